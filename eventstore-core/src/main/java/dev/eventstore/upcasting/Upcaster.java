package dev.eventstore.upcasting;

import java.util.function.UnaryOperator;

import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the stored data of one event type from one schema revision into the next, as a
 * JSON tree, before it is read into a class. Upcasters run on every read path (reads,
 * subscriptions, and what is built on them); the journal keeps the data as it was
 * written. An upcaster must be a pure function of its input.
 *
 * @since 0.2.0
 */
public interface Upcaster {

	/** The event type name it applies to: the current name of the type. */
	String type();

	/** The revision it reads; it produces {@code fromRevision() + 1}. */
	int fromRevision();

	/**
	 * Turns data of {@link #fromRevision()} into the next revision.
	 * @param data a copy of the data, free to change and return
	 * @return the data in the next revision
	 */
	ObjectNode upcast(ObjectNode data);

	/**
	 * An upcaster from a function.
	 * @param type the event type name
	 * @param fromRevision the revision it reads, at least 1
	 * @param upcast the transformation
	 * @return the upcaster
	 */
	static Upcaster of(String type, int fromRevision, UnaryOperator<ObjectNode> upcast) {
		if (type == null || type.isBlank()) {
			throw new IllegalArgumentException("An upcaster needs an event type name");
		}
		if (fromRevision < 1) {
			throw new IllegalArgumentException(
					"An upcaster's revision must be >= 1, was " + fromRevision + " for '" + type + "'");
		}
		return new Upcaster() {

			@Override
			public String type() {
				return type;
			}

			@Override
			public int fromRevision() {
				return fromRevision;
			}

			@Override
			public ObjectNode upcast(ObjectNode data) {
				return upcast.apply(data);
			}

			@Override
			public String toString() {
				return "Upcaster['" + type + "' " + fromRevision + " -> " + (fromRevision + 1) + "]";
			}

		};
	}

}
