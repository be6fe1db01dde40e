package dev.eventstore.processor;

/**
 * Where a processor with no checkpoint yet starts.
 *
 * @since 0.2.0
 */
public enum StartPoint {

	/** With the first event of the log: a read model built from all history. */
	BEGINNING,

	/**
	 * After the last event stored when the processor first starts: a reaction to what
	 * happens from now on. The start is saved as a checkpoint at once, so later events
	 * are not missed even if the process stops before handling one.
	 */
	END

}
