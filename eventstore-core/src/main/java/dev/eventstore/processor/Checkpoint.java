package dev.eventstore.processor;

/**
 * How far a processor got.
 *
 * @param position the last position handled, 0 when none was
 * @param replayUntil the highest position the processor had handled before it was last
 * reset; events up to it are delivered as replays, 0 when it was never reset
 * @since 0.2.0
 */
public record Checkpoint(long position, long replayUntil) {

	/** Nothing handled, never reset. */
	public static final Checkpoint NONE = new Checkpoint(0, 0);

	public Checkpoint {
		if (position < 0 || replayUntil < 0) {
			throw new IllegalArgumentException(
					"Checkpoint positions must not be negative, were " + position + " and " + replayUntil);
		}
	}

	/**
	 * This checkpoint moved to another handled position, still replaying up to the same
	 * one.
	 */
	public Checkpoint at(long handled) {
		return new Checkpoint(handled, this.replayUntil);
	}

}
