package dev.eventstore.personal;

import java.util.List;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * Where data subjects' keys are kept, wrapped: every key is encrypted under the
 * application's master key by {@link PersonalDataProtection} before it gets here, and
 * subjects are named by a keyed hash of their id
 * ({@link PersonalDataProtection#subjectReference}), so that the store alone reveals
 * neither keys nor who the subjects are. Implementations are thread-safe, and make every
 * change durable (forced or committed) before they return: an erasure that returned is
 * never undone by a crash, and a crash during one leaves the key whole or gone.
 *
 * @since 0.2.0
 */
public interface SubjectKeyStore {

	/**
	 * A subject's wrapped key.
	 * @param subject the subject's reference
	 * @return the wrapped key, or null when there is none (never made, or erased)
	 * @throws RuntimeException (an {@link java.io.UncheckedIOException}, say) if the
	 * store cannot be read
	 */
	byte @Nullable [] find(String subject);

	/**
	 * Keeps a subject's wrapped key unless it has one already.
	 * @param subject the subject's reference
	 * @param wrappedKey the wrapped key
	 * @return the key kept: this one, or the one there before
	 * @throws RuntimeException (an {@link java.io.UncheckedIOException}, say) if it
	 * cannot be written
	 */
	byte[] putIfAbsent(String subject, byte[] wrappedKey);

	/**
	 * Destroys a subject's key, durably.
	 * @param subject the subject's reference
	 * @return whether there was one
	 * @throws RuntimeException (an {@link java.io.UncheckedIOException}, say) if it
	 * cannot be destroyed
	 */
	boolean delete(String subject);

	/**
	 * Destroys a subject's key, durably, and keeps a note that the erasure is not yet
	 * announced (the store's {@link PersonalDataErased} event): {@link #pendingErasures}
	 * lists it until {@link #erasureAnnounced}, so that an erasure cut short by a crash
	 * before its announcement is announced when the store opens next. The note holds only
	 * the reference. The default destroys the key and keeps no note.
	 * @param subject the subject's reference
	 * @return whether there was a key
	 * @throws RuntimeException (an {@link java.io.UncheckedIOException}, say) if it
	 * cannot be destroyed
	 */
	default boolean erase(String subject) {
		return delete(subject);
	}

	/**
	 * Drops the note {@link #erase} kept, once the erasure is announced.
	 * @param subject the subject's reference
	 */
	default void erasureAnnounced(String subject) {
	}

	/**
	 * What tells a subject's pending erasure (one {@link #pendingErasures} lists) apart
	 * from any other: the SHA-256 of the wrapped key it destroyed, kept with its note.
	 * The store names the erasure's {@link PersonalDataErased} event after it, so that an
	 * announcement made again (a crash after the event was appended but before the note
	 * was dropped; another instance sharing the store announcing it at its open) is known
	 * as the same one and not appended twice.
	 * @param subject the subject's reference
	 * @return the 32 bytes, or null when the subject has no pending erasure or the store
	 * keeps none; by default null (each announcement is then an event of its own, and
	 * such a repetition appends a second one)
	 * @since 0.2.0
	 */
	default byte @Nullable [] erasureFingerprint(String subject) {
		return null;
	}

	/**
	 * The subjects erased whose erasure is not yet announced: a crash came between the
	 * two. Their keys must be gone: a store whose {@link #erase} is not one atomic step
	 * (a note written, then the key deleted) finishes an erasure a crash cut short in
	 * between before it lists it, deleting only the key the erasure was for, never one
	 * the subject got since (a subject that comes back after its erasure gets a new key,
	 * which the store keeps).
	 * @return their references; empty by default
	 */
	default List<String> pendingErasures() {
		return List.of();
	}

	/**
	 * The master key's check value, kept when the store was first used, so that a wrong
	 * master key is refused at start-up.
	 * @return it, or null for a store not used yet
	 */
	byte @Nullable [] checkValue();

	/**
	 * Keeps the master key's check value, once.
	 * @param value the check value
	 */
	void saveCheckValue(byte[] value);

	/**
	 * Every subject that has a key, with its wrapped key: for copying the keys to another
	 * store (the CLI's {@code copy}), in no particular order. A key made or destroyed
	 * meanwhile may be missed or listed; erasures' notes are not keys.
	 * @param action given each subject's reference and wrapped key
	 * @throws UnsupportedOperationException by default: a store that cannot list its keys
	 * @throws RuntimeException (an {@link java.io.UncheckedIOException}, say) if the
	 * store cannot be read
	 */
	default void forEachKey(BiConsumer<String, byte[]> action) {
		throw new UnsupportedOperationException("The key store " + location() + " cannot list its keys");
	}

	/**
	 * How many subjects have a key.
	 * @return the count
	 */
	long size();

	/**
	 * Whether other processes use these keys too (a database table): then a key is cached
	 * only briefly, so that another instance's erasure holds here soon.
	 * @return false by default
	 */
	default boolean shared() {
		return false;
	}

	/**
	 * Where the keys are, for messages and health: a path, a table.
	 * @return the description
	 */
	String location();

}
