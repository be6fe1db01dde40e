package dev.eventstore;

import java.time.Duration;

/**
 * When a file journal forces its writes to the disk, trading latency for what a power
 * loss may take.
 *
 * @since 0.1.0
 */
public enum FsyncPolicy {

	/**
	 * An append returns only after its events are on the disk. Concurrent appends share
	 * one fsync (group commit), so throughput grows with the number of appending threads.
	 */
	ALWAYS,

	/**
	 * A background thread forces the journal at a fixed interval; a power loss may take
	 * the events acknowledged during the last interval, a crash of the process alone
	 * takes none.
	 */
	INTERVAL,

	/**
	 * The operating system decides when to write its buffers; a process crash loses
	 * nothing, a power loss may lose whatever the OS had not yet written.
	 */
	NEVER;

	/**
	 * The interval {@link #INTERVAL} forces the file at unless told otherwise: 100 ms.
	 */
	public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

}
