package dev.eventstore.personal;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Keys in memory for tests that need a key store said to be shared by several processes,
 * one that counts its lookups, one whose erasures' notes cannot be dropped while asked to
 * (a key table refusing the delete), or one that keeps no fingerprints of erasures.
 */
final class TestKeyStore implements SubjectKeyStore {

	final InMemorySubjectKeyStore keys = new InMemorySubjectKeyStore();

	final AtomicInteger finds = new AtomicInteger();

	final AtomicBoolean refusingAnnouncements = new AtomicBoolean();

	/**
	 * Whether it keeps no fingerprints of erasures, as a store of an application's may.
	 */
	final AtomicBoolean withoutFingerprints = new AtomicBoolean();

	private final boolean shared;

	TestKeyStore(boolean shared) {
		this.shared = shared;
	}

	@Override
	public byte @Nullable [] find(String subject) {
		this.finds.incrementAndGet();
		return this.keys.find(subject);
	}

	@Override
	public byte[] putIfAbsent(String subject, byte[] wrappedKey) {
		return this.keys.putIfAbsent(subject, wrappedKey);
	}

	@Override
	public boolean delete(String subject) {
		return this.keys.delete(subject);
	}

	@Override
	public boolean erase(String subject) {
		return this.keys.erase(subject);
	}

	@Override
	public void erasureAnnounced(String subject) {
		if (this.refusingAnnouncements.get()) {
			throw new IllegalStateException("the key table refuses the delete (a test's key store)");
		}
		this.keys.erasureAnnounced(subject);
	}

	@Override
	public List<String> pendingErasures() {
		return this.keys.pendingErasures();
	}

	@Override
	public byte @Nullable [] erasureFingerprint(String subject) {
		return this.withoutFingerprints.get() ? null : this.keys.erasureFingerprint(subject);
	}

	@Override
	public byte @Nullable [] checkValue() {
		return this.keys.checkValue();
	}

	@Override
	public void saveCheckValue(byte[] value) {
		this.keys.saveCheckValue(value);
	}

	@Override
	public void forEachKey(BiConsumer<String, byte[]> action) {
		this.keys.forEachKey(action);
	}

	@Override
	public long size() {
		return this.keys.size();
	}

	@Override
	public boolean shared() {
		return this.shared;
	}

	@Override
	public String location() {
		return "test keys";
	}

}
