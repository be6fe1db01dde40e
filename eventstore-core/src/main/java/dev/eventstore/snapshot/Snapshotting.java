package dev.eventstore.snapshot;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.personal.PersonalFields;
import dev.eventstore.personal.Redaction;
import dev.eventstore.serialization.JacksonEventSerializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Loads the state a stream's events build, from the latest snapshot plus the events after
 * it, and saves a new snapshot once that many events had to be replayed. A snapshot is
 * used only when it is of the state class with the same shape and revision (its
 * {@linkplain #fingerprint() fingerprint}); a snapshot of another shape is ignored and
 * counted, never deserialised into the changed class; a damaged one is ignored with a
 * warning. Either way the stream is replayed: the stream is the truth. Thread-safe.
 *
 * <pre class="code">
 * Snapshotting&lt;Cart&gt; carts = Snapshotting.builder(store, SnapshotStore.besideJournal(journal), Cart.class)
 *     .initial(Cart::empty)
 *     .evolve(Cart::apply)
 *     .every(100)
 *     .build();
 * Cart cart = carts.load("cart-42").state();
 * </pre>
 *
 * @param <S> the state type, which Jackson reads and writes
 * @since 0.2.0
 */
public final class Snapshotting<S> {

	private static final System.Logger logger = System.getLogger(Snapshotting.class.getName());

	/** Replayed events held before their personal values are asked for. */
	private static final int REPLAYED_HELD = 4_096;

	private final EventStore store;

	private final SnapshotStore snapshots;

	private final Class<S> stateType;

	private final Function<String, S> initial;

	private final Evolve<S> evolve;

	private final int every;

	private final String fingerprint;

	private final JsonMapper json;

	private final LongAdder used = new LongAdder();

	private final LongAdder ignoredStale = new LongAdder();

	private final LongAdder ignoredCorrupt = new LongAdder();

	private final LongAdder saved = new LongAdder();

	private final LongAdder withheld = new LongAdder();

	private final AtomicBoolean warnedPersonal = new AtomicBoolean();

	/** The state class's personal components, encrypted in its snapshots. */
	private final PersonalFields personalFields;

	private final @Nullable PersonalDataProtection personalData;

	/**
	 * Writes a state with personal components: one, so that its writers are made once.
	 */
	private final @Nullable JacksonEventSerializer personalWriter;

	private Snapshotting(Builder<S> builder) {
		this.store = builder.store;
		this.snapshots = builder.snapshots;
		this.stateType = builder.stateType;
		this.initial = Objects.requireNonNull(builder.initial, "initial state");
		this.evolve = Objects.requireNonNull(builder.evolve, "evolve");
		this.every = builder.every;
		this.json = builder.json;
		this.fingerprint = StateFingerprint.of(builder.stateType, builder.revision);
		this.personalFields = PersonalFields.of(builder.stateType);
		this.personalData = builder.personalData;
		this.personalWriter = this.personalFields.any() ? new JacksonEventSerializer(this.json) : null;
		if (this.personalFields.any() && this.personalData == null) {
			throw new IllegalArgumentException(builder.stateType.getName() + " has @PersonalData components: give "
					+ "Snapshotting.builder(...).personalData(...) the store's PersonalDataProtection, or its "
					+ "snapshots would keep them in plain text");
		}
	}

	/**
	 * The associated data a state's personal values are encrypted under: its stream and
	 * class, so that a snapshot's values decrypt only where they were saved.
	 */
	private UUID snapshotId(String streamId) {
		return UUID.nameUUIDFromBytes(
				("snapshot/" + streamId + "/" + this.stateType.getName()).getBytes(StandardCharsets.UTF_8));
	}

	private S readState(byte[] state, String streamId) {
		if (this.personalData == null || !this.personalFields.any()) {
			return this.json.readValue(state, this.stateType);
		}
		ObjectNode stored = (ObjectNode) this.json.readTree(state);
		try {
			return this.json.treeToValue(this.personalData.decrypt(stored, this.personalFields, snapshotId(streamId)),
					this.stateType);
		}
		catch (IllegalArgumentException ex) {
			throw new CorruptSnapshotException("its personal data does not decrypt: " + ex.getMessage());
		}
	}

	private byte[] writeState(S state, String streamId) {
		if (this.personalData == null || !this.personalFields.any()) {
			return this.json.writeValueAsBytes(state);
		}
		return this.personalData.encrypt(state, this.personalFields, snapshotId(streamId),
				Objects.requireNonNull(this.personalWriter));
	}

	/**
	 * A builder.
	 * @param store the store whose streams are loaded
	 * @param snapshots where snapshots are kept
	 * @param stateType the state's class
	 * @param <S> the state type
	 * @return the builder
	 */
	public static <S> Builder<S> builder(EventStore store, SnapshotStore snapshots, Class<S> stateType) {
		return new Builder<>(Objects.requireNonNull(store, "store"), Objects.requireNonNull(snapshots, "snapshots"),
				Objects.requireNonNull(stateType, "stateType"));
	}

	/** The state class's fingerprint: its shape and revision. */
	public String fingerprint() {
		return this.fingerprint;
	}

	/**
	 * The state of a stream after all its events.
	 * @param streamId the stream
	 * @return the state and the version it is at (0 for a stream without events)
	 */
	public Loaded<S> load(String streamId) {
		return load(streamId, Long.MAX_VALUE);
	}

	/**
	 * The state of a stream after its events up to a version.
	 * @param streamId the stream
	 * @param upToVersion the last version to apply
	 * @return the state and the version it is at
	 */
	public Loaded<S> load(String streamId, long upToVersion) {
		S state = null;
		long version = 0;
		Snapshot snapshot = usableSnapshot(streamId, upToVersion);
		if (snapshot != null) {
			try {
				state = readState(snapshot.state(), streamId);
				version = snapshot.version();
				this.used.increment();
			}
			catch (JacksonException | CorruptSnapshotException ex) {
				this.ignoredCorrupt.increment();
				logger.log(Level.WARNING, "Ignoring " + snapshot + ": it does not read as " + this.stateType.getName()
						+ " ("
						+ ((ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage())
						+ "); replaying the stream");
			}
		}
		long snapshotVersion = version;
		if (state == null) {
			state = this.initial.apply(streamId);
		}
		// The personal values the events gave (decrypted), which a snapshot must not keep
		// in plain text: asked of the events only when one is saved, or every few
		// thousand events of a long replay so as not to hold them all.
		Redaction revealed = Redaction.none();
		List<StoredEvent> replayed = new ArrayList<>();
		while (version < upToVersion) {
			int page = (int) Math.min(1_000, upToVersion - version);
			List<StoredEvent> events = this.store.readStream(streamId, version + 1, page);
			for (StoredEvent event : events) {
				state = this.evolve.apply(state, event);
				version = event.version();
			}
			replayed.addAll(events);
			if (replayed.size() >= REPLAYED_HELD) {
				revealed = revealed(revealed, replayed);
			}
			if (events.size() < page) {
				break;
			}
		}
		if (upToVersion == Long.MAX_VALUE && version - snapshotVersion >= this.every) {
			save(streamId, state, version, revealed(revealed, replayed));
		}
		return new Loaded<>(state, version, snapshotVersion);
	}

	/**
	 * The values so far and those the replayed events gave, each once; forgets the
	 * events.
	 */
	private static Redaction revealed(Redaction sofar, List<StoredEvent> replayed) {
		List<Redaction> all = new ArrayList<>();
		all.add(sofar);
		for (StoredEvent event : replayed) {
			all.add(event.redaction());
		}
		replayed.clear();
		return Redaction.allOf(all);
	}

	private @Nullable Snapshot usableSnapshot(String streamId, long upToVersion) {
		Optional<Snapshot> stored;
		try {
			stored = this.snapshots.load(streamId, this.stateType.getName());
		}
		catch (CorruptSnapshotException ex) {
			this.ignoredCorrupt.increment();
			logger.log(Level.WARNING,
					"Ignoring the snapshot of " + streamId + ": " + ex.getMessage() + "; replaying the stream");
			return null;
		}
		if (stored.isEmpty() || stored.get().version() > upToVersion) {
			return null;
		}
		if (!stored.get().fingerprint().equals(this.fingerprint)) {
			this.ignoredStale.increment();
			logger.log(Level.DEBUG, "Ignoring " + stored.get() + ": saved from another shape or revision of "
					+ this.stateType.getName());
			return null;
		}
		return stored.get();
	}

	/**
	 * Saves a snapshot now.
	 * @param streamId the stream
	 * @param state its state
	 * @param version the version the state is at
	 */
	public void save(String streamId, S state, long version) {
		save(streamId, state, version, Redaction.none());
	}

	private void save(String streamId, S state, long version, Redaction revealed) {
		if (version < 1) {
			return;
		}
		byte[] written = writeState(state, streamId);
		if (!revealed.isEmpty() && holdsAny(this.json.readTree(written), revealed)) {
			this.withheld.increment();
			if (this.warnedPersonal.compareAndSet(false, true)) {
				logger.log(Level.WARNING, "Not saving snapshots of " + this.stateType.getName()
						+ ": the state holds personal values its events gave, which a snapshot would keep in plain "
						+ "text beyond an erasure; mark those components @PersonalData(subject = ...) and give "
						+ "Snapshotting.builder(...).personalData(...) the store's protection. Streams are replayed");
			}
			return;
		}
		this.snapshots.save(new Snapshot(streamId, this.stateType.getName(), version, this.fingerprint, written));
		this.saved.increment();
	}

	/** Whether a written state's text holds one of the values (encrypted ones do not). */
	private static boolean holdsAny(JsonNode node, Redaction values) {
		if (node.isString() || node.isNumber()) {
			return values.quotes(node.asString());
		}
		for (JsonNode element : node.values()) {
			if (holdsAny(element, values)) {
				return true;
			}
		}
		for (String name : node.propertyNames()) {
			if (values.quotes(name)) {
				return true;
			}
		}
		return false;
	}

	/** How snapshots fared so far. */
	public Stats stats() {
		return new Stats(this.used.sum(), this.ignoredStale.sum(), this.ignoredCorrupt.sum(), this.saved.sum(),
				this.withheld.sum());
	}

	/** How the state of one event evolves the state. */
	@FunctionalInterface
	public interface Evolve<S> {

		/**
		 * @param state the state so far
		 * @param event the next event
		 * @return the state after it
		 */
		S apply(S state, StoredEvent event);

	}

	/**
	 * A loaded state.
	 *
	 * @param state the state
	 * @param version the stream version it is at
	 * @param snapshotVersion the version of the snapshot it started from, 0 when none
	 * @param <S> the state type
	 */
	public record Loaded<S>(S state, long version, long snapshotVersion) {
	}

	/**
	 * Counts of snapshots used, ignored for another shape, ignored as damaged, saved, and
	 * withheld.
	 *
	 * @param used snapshots loading started from
	 * @param ignoredStale snapshots of another shape or revision
	 * @param ignoredCorrupt damaged snapshots
	 * @param saved snapshots saved
	 * @param withheld snapshots not saved because the state held, in plain text, personal
	 * values its events gave (its class lacks {@code @PersonalData} where it keeps them)
	 */
	public record Stats(long used, long ignoredStale, long ignoredCorrupt, long saved, long withheld) {
	}

	/** Builds a {@link Snapshotting}. */
	public static final class Builder<S> {

		private final EventStore store;

		private final SnapshotStore snapshots;

		private final Class<S> stateType;

		private @Nullable Function<String, S> initial;

		private @Nullable Evolve<S> evolve;

		private int every = 100;

		private int revision = 1;

		private JsonMapper json = JsonMapper.builder().build();

		private @Nullable PersonalDataProtection personalData;

		private Builder(EventStore store, SnapshotStore snapshots, Class<S> stateType) {
			this.store = store;
			this.snapshots = snapshots;
			this.stateType = stateType;
		}

		/**
		 * The state of a stream before its first event.
		 * @param initial from the stream id
		 * @return this builder
		 */
		public Builder<S> initial(Function<String, S> initial) {
			this.initial = Objects.requireNonNull(initial, "initial");
			return this;
		}

		/**
		 * How each event changes the state.
		 * @param evolve the function
		 * @return this builder
		 */
		public Builder<S> evolve(Evolve<S> evolve) {
			this.evolve = Objects.requireNonNull(evolve, "evolve");
			return this;
		}

		/**
		 * Saves a snapshot when a load replayed this many events; 100 by default.
		 * @param events at least 1
		 * @return this builder
		 */
		public Builder<S> every(int events) {
			if (events < 1) {
				throw new IllegalArgumentException("snapshot every must be at least 1 event, was " + events);
			}
			this.every = events;
			return this;
		}

		/**
		 * The state's revision, part of its fingerprint: bump it when the state's meaning
		 * changes without its shape (a field computed differently), so older snapshots
		 * are ignored; 1 by default.
		 * @param revision at least 1
		 * @return this builder
		 */
		public Builder<S> revision(int revision) {
			if (revision < 1) {
				throw new IllegalArgumentException("revision must be at least 1, was " + revision);
			}
			this.revision = revision;
			return this;
		}

		/**
		 * Encrypts the state's {@link dev.eventstore.types.PersonalData} components in
		 * its snapshots as the store does in events (required for a state class with
		 * any): once the subject is erased, a snapshot reads them as their replacements.
		 * @param protection the store's protection
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder<S> personalData(PersonalDataProtection protection) {
			this.personalData = Objects.requireNonNull(protection, "protection");
			return this;
		}

		/**
		 * The mapper that writes and reads states; a plain one by default.
		 * @param mapper the mapper
		 * @return this builder
		 */
		public Builder<S> jsonMapper(JsonMapper mapper) {
			this.json = Objects.requireNonNull(mapper, "mapper");
			return this;
		}

		/**
		 * Builds it.
		 * @return the snapshotting
		 * @throws NullPointerException without an initial state or evolve function
		 */
		public Snapshotting<S> build() {
			return new Snapshotting<>(this);
		}

	}

}
