package dev.eventstore;

/**
 * The condition an append places on a stream's current version (optimistic concurrency).
 * A failed condition raises {@link ConcurrencyConflictException} and stores nothing.
 *
 * @since 0.1.0
 */
public sealed interface ExpectedVersion permits ExpectedVersion.Any, ExpectedVersion.NoStream, ExpectedVersion.Exactly {

	/** No condition: the events go to the end of the stream, whatever its version. */
	static ExpectedVersion any() {
		return Any.INSTANCE;
	}

	/** The stream must be empty (no event appended to it yet). */
	static ExpectedVersion noStream() {
		return NoStream.INSTANCE;
	}

	/**
	 * The stream's version must be exactly {@code version}: the version of the last event
	 * the caller saw, 0 for an empty stream.
	 * @param version the expected current version, at least 0
	 * @return the condition
	 */
	static ExpectedVersion exactly(long version) {
		return new Exactly(version);
	}

	/**
	 * Whether a stream at {@code actualVersion} satisfies this condition.
	 * @param actualVersion the stream's current version, 0 when empty
	 * @return true when an append may proceed
	 */
	boolean matches(long actualVersion);

	/** A short description for messages, e.g. {@code "version 3"}. */
	String describe();

	/** See {@link ExpectedVersion#any()}. */
	record Any() implements ExpectedVersion {

		static final Any INSTANCE = new Any();

		@Override
		public boolean matches(long actualVersion) {
			return true;
		}

		@Override
		public String describe() {
			return "any version";
		}

	}

	/** See {@link ExpectedVersion#noStream()}. */
	record NoStream() implements ExpectedVersion {

		static final NoStream INSTANCE = new NoStream();

		@Override
		public boolean matches(long actualVersion) {
			return actualVersion == 0;
		}

		@Override
		public String describe() {
			return "no stream (version 0)";
		}

	}

	/**
	 * See {@link ExpectedVersion#exactly(long)}.
	 *
	 * @param version the expected current version
	 */
	record Exactly(long version) implements ExpectedVersion {

		public Exactly {
			if (version < 0) {
				throw new IllegalArgumentException(
						"Expected version must be >= 0 (0 means an empty stream), was " + version);
			}
		}

		@Override
		public boolean matches(long actualVersion) {
			return actualVersion == this.version;
		}

		@Override
		public String describe() {
			return "version " + this.version;
		}

	}

}
