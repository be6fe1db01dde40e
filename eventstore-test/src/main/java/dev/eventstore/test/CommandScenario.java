package dev.eventstore.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.Assertions;
import org.jspecify.annotations.Nullable;

/**
 * A given/when/then test of command handling against a real store: <pre class="code">
 * CommandScenario.on(store)
 *     .given("cart-1", new ItemAdded("apple", 2))
 *     .when(() -&gt; carts.checkout("1", null))
 *     .thenAppended("cart-1", new CartCheckedOut(List.of(new Line("apple", 2))));
 *
 * CommandScenario.on(store)
 *     .when(() -&gt; carts.checkout("empty", null))
 *     .thenFailsWith(CartNotFound.class);   // and nothing was appended
 * </pre> The given events are appended as they are ({@link NewEvent}s) or as
 * {@link NewEvent#of(Object)} of a payload. "Then" looks at every event appended while
 * the command ran, in any stream: exactly the expected ones, in order, or none.
 *
 * @since 0.2.0
 */
public final class CommandScenario {

	private final EventStore store;

	private CommandScenario(EventStore store) {
		this.store = store;
	}

	/**
	 * A scenario on a store; use a store of the test's own (an in-memory one, or the
	 * {@code @EventStoreTest} slice's), since "then" sees every append made meanwhile.
	 * @param store the store
	 * @return the scenario
	 */
	public static CommandScenario on(EventStore store) {
		return new CommandScenario(Objects.requireNonNull(store, "store"));
	}

	/**
	 * Appends past events to a stream.
	 * @param streamId the stream
	 * @param events payloads, or {@link NewEvent}s
	 * @return this scenario
	 */
	public CommandScenario given(String streamId, Object... events) {
		List<NewEvent> batch = new ArrayList<>();
		for (Object event : events) {
			batch.add((event instanceof NewEvent newEvent) ? newEvent : NewEvent.of(event));
		}
		this.store.appendBatch(streamId, batch);
		return this;
	}

	/**
	 * Runs the command, remembering what it appended and what it threw.
	 * @param command the command
	 * @return the outcome to check
	 */
	public Outcome when(Command command) {
		long before = this.store.lastPosition();
		Throwable thrown = null;
		try {
			command.run();
		}
		catch (Throwable ex) {
			thrown = ex;
		}
		List<StoredEvent> appended = new ArrayList<>();
		long next = before + 1;
		while (true) {
			List<StoredEvent> page = this.store.readAll(next, 1_000);
			if (page.isEmpty()) {
				break;
			}
			appended.addAll(page);
			next = page.get(page.size() - 1).position() + 1;
		}
		return new Outcome(appended, thrown);
	}

	/** A command under test; it may throw. */
	@FunctionalInterface
	public interface Command {

		/**
		 * Runs the command.
		 * @throws Exception what the command throws
		 */
		void run() throws Exception;

	}

	/** What a command did: the events it appended and what it threw. */
	public static final class Outcome {

		private final List<StoredEvent> appended;

		private final @Nullable Throwable thrown;

		Outcome(List<StoredEvent> appended, @Nullable Throwable thrown) {
			this.appended = List.copyOf(appended);
			this.thrown = thrown;
		}

		/** The events appended while the command ran, in position order. */
		public List<StoredEvent> appended() {
			return this.appended;
		}

		/**
		 * Verifies the command returned normally and appended exactly these events, in
		 * this order, all to one stream, and nothing else.
		 * @param streamId the stream
		 * @param events the expected payloads (or {@link NewEvent}s)
		 * @return this outcome
		 */
		public Outcome thenAppended(String streamId, Object... events) {
			if (this.thrown != null) {
				throw new AssertionError("Expected the command to append " + List.of(events) + " to '" + streamId
						+ "' but it threw " + this.thrown, this.thrown);
			}
			if (this.appended.size() != events.length) {
				throw new AssertionError("Expected the command to append " + events.length + " events to '" + streamId
						+ "' but it appended " + this.appended.size() + ": "
						+ this.appended.stream().map(Payloads::describe).toList());
			}
			for (int i = 0; i < events.length; i++) {
				StoredEvent event = this.appended.get(i);
				String mismatch = event.streamId().equals(streamId) ? Payloads.mismatch(event, events[i])
						: "stream '" + event.streamId() + "'";
				if (mismatch != null) {
					throw new AssertionError("Expected appended event " + (i + 1) + " to be " + events[i] + " in '"
							+ streamId + "' but it has " + mismatch);
				}
			}
			return this;
		}

		/**
		 * Verifies the command returned normally and appended nothing.
		 * @return this outcome
		 */
		public Outcome thenNothingAppended() {
			if (this.thrown != null) {
				throw new AssertionError("Expected the command to succeed but it threw " + this.thrown, this.thrown);
			}
			requireNothingAppended();
			return this;
		}

		/**
		 * Verifies the command threw an exception of a type and appended nothing.
		 * @param type the exception's type
		 * @return assertions on the exception, for its message
		 */
		public AbstractThrowableAssert<?, ? extends Throwable> thenFailsWith(Class<? extends Throwable> type) {
			if (this.thrown == null) {
				throw new AssertionError("Expected the command to throw " + type.getName() + " but it returned, having "
						+ "appended " + this.appended.stream().map(Payloads::describe).toList());
			}
			requireNothingAppended();
			return Assertions.assertThat(this.thrown).isInstanceOf(type);
		}

		private void requireNothingAppended() {
			if (!this.appended.isEmpty()) {
				throw new AssertionError("Expected the command to append nothing but it appended "
						+ this.appended.stream().map(Payloads::describe).toList());
			}
		}

	}

}
