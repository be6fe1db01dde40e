package dev.eventstore.processor;

import org.jspecify.annotations.Nullable;

/**
 * Which process runs a processor when several application instances share one store
 * (SPI). A processor runs only while its instance holds the ownership; the others wait in
 * {@link ProcessorState#NOT_OWNER} and try again. Implementations are thread-safe.
 *
 * @since 0.2.0
 */
public interface ProcessorOwnership {

	/**
	 * Tries to become the processor's owner; does not wait.
	 * @param processor the processor's name
	 * @return whether this instance now owns it
	 */
	boolean tryAcquire(String processor);

	/**
	 * Whether this instance still owns the processor, checked against the shared medium
	 * (the heartbeat): false once the ownership was lost, for example with a database
	 * connection.
	 * @param processor the processor's name
	 * @return whether the ownership still holds
	 */
	boolean isHeld(String processor);

	/**
	 * Gives the ownership up, so another instance can take the processor over at once.
	 * @param processor the processor's name
	 */
	void release(String processor);

	/**
	 * This instance's name among those sharing the store, shown as the owner of the
	 * segments it runs; {@code <host>:<pid>} by default.
	 */
	default String instance() {
		return LocalOwnership.INSTANCE_NAME;
	}

	/**
	 * Enters this instance among those running a processor, for as long as it runs it
	 * (and, where the medium ties it to the process, until the process dies), so that the
	 * instances balance the processor's segments among them.
	 * @param processor the processor's name
	 */
	default void join(String processor) {
	}

	/**
	 * Leaves the instances running a processor.
	 * @param processor the processor's name
	 */
	default void leave(String processor) {
	}

	/**
	 * How many live instances run a processor, this one included; each aims to run an
	 * equal share of its segments. 1 for a store no other process shares.
	 * @param processor the processor's name
	 * @return at least 1
	 */
	default int instances(String processor) {
		return 1;
	}

	/**
	 * Which instance holds an ownership, for display.
	 * @param name the processor's (or segment's) name
	 * @return the owner's {@link #instance()}, null when none holds it or it is not known
	 */
	default @Nullable String ownerOf(String name) {
		return null;
	}

	/**
	 * Ownership for a store no other process shares (in memory, or a file journal, whose
	 * lock already excludes other processes): always held.
	 */
	static ProcessorOwnership local() {
		return LocalOwnership.INSTANCE;
	}

}
