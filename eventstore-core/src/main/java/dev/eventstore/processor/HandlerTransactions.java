package dev.eventstore.processor;

/**
 * Runs a handler's work for one event and the checkpoint save after it in one transaction
 * (SPI): both commit or neither does, so a crash at any instant leaves a read model and
 * its checkpoint in agreement. Used with a {@link CheckpointStore} whose saves
 * {@linkplain CheckpointStore#isTransactional() join} that transaction; the Spring Boot
 * starter supplies one from the application's transaction manager.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface HandlerTransactions {

	/**
	 * Runs the work in a transaction, committing when it returns and rolling back when it
	 * throws, then rethrowing.
	 * @param work the work
	 */
	void inTransaction(Runnable work);

}
