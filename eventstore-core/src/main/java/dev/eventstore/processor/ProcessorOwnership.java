package dev.eventstore.processor;

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
	 * Ownership for a store no other process shares (in memory, or a file journal, whose
	 * lock already excludes other processes): always held.
	 */
	static ProcessorOwnership local() {
		return LocalOwnership.INSTANCE;
	}

}
