package dev.eventstore.processor;

/**
 * What a processor is doing.
 *
 * @since 0.2.0
 */
public enum ProcessorState {

	/** Caught up with the log, handling events as they are appended. */
	RUNNING,

	/** Behind the log, handling stored events page by page. */
	CATCHING_UP,

	/** Paused by an operator; resumes where it stopped. */
	PAUSED,

	/**
	 * Stopped at an event its handler could not handle, or at a checkpoint it cannot
	 * trust; waits for an operator to resume, skip or reset it.
	 */
	FAILED,

	/** Not started, or closed. */
	STOPPED,

	/** Another instance runs it; this one waits to take over. */
	NOT_OWNER

}
