package dev.eventstore.personal;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;

import dev.eventstore.internal.Sha256;
import org.jspecify.annotations.Nullable;

/**
 * Keys on the heap, lost with the process: for tests and in-memory stores. Thread-safe.
 *
 * @since 0.2.0
 */
public final class InMemorySubjectKeyStore implements SubjectKeyStore {

	private final ConcurrentMap<String, byte[]> keys = new ConcurrentHashMap<>();

	/** Pending erasures' fingerprints, by subject. */
	private final ConcurrentMap<String, byte[]> pending = new ConcurrentHashMap<>();

	private volatile byte @Nullable [] checkValue;

	@Override
	public byte @Nullable [] find(String subject) {
		byte[] key = this.keys.get(subject);
		return (key != null) ? key.clone() : null;
	}

	@Override
	public byte[] putIfAbsent(String subject, byte[] wrappedKey) {
		byte[] kept = this.keys.putIfAbsent(subject, wrappedKey.clone());
		return (kept != null) ? kept.clone() : wrappedKey;
	}

	@Override
	public boolean delete(String subject) {
		return this.keys.remove(subject) != null;
	}

	@Override
	public boolean erase(String subject) {
		byte[] key = this.keys.remove(subject);
		if (key == null) {
			return false;
		}
		this.pending.put(subject, Sha256.of(key));
		return true;
	}

	@Override
	public void erasureAnnounced(String subject) {
		this.pending.remove(subject);
	}

	@Override
	public List<String> pendingErasures() {
		return List.copyOf(this.pending.keySet());
	}

	@Override
	public byte @Nullable [] erasureFingerprint(String subject) {
		byte[] fingerprint = this.pending.get(subject);
		return (fingerprint != null) ? fingerprint.clone() : null;
	}

	@Override
	public byte @Nullable [] checkValue() {
		byte[] value = this.checkValue;
		return (value != null) ? value.clone() : null;
	}

	@Override
	public synchronized void saveCheckValue(byte[] value) {
		if (this.checkValue == null) {
			this.checkValue = value.clone();
		}
	}

	@Override
	public void forEachKey(BiConsumer<String, byte[]> action) {
		this.keys.forEach((subject, key) -> action.accept(subject, key.clone()));
	}

	@Override
	public long size() {
		return this.keys.size();
	}

	@Override
	public String location() {
		return "memory";
	}

}
