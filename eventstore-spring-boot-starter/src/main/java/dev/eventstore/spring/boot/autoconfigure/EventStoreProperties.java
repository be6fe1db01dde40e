package dev.eventstore.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.eventstore.FsyncPolicy;
import dev.eventstore.spring.boot.processor.ProcessorSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the auto-configured event store, under {@code eventstore}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("eventstore")
public class EventStoreProperties {

	/**
	 * Journal file that keeps the events, one JSON event per line. When unset, events are
	 * kept in memory and lost when the application stops.
	 */
	private @Nullable Path persistPath;

	/**
	 * Keep the journal at persist-path as a directory of segment files of this size (e.g.
	 * 64MB) instead of one file: opening then reads only the last segment, and the heap
	 * does not grow with the journal's history. A single journal file there is converted
	 * on first start, kept beside it as a backup. Unset: one file (or the segmented
	 * journal already at persist-path, 64MB segments).
	 */
	private @Nullable DataSize segmentSize;

	/**
	 * When the journal is forced to disk: 'always' before each append returns (concurrent
	 * appends share one fsync), 'interval' in the background every fsync-interval, or
	 * 'never' (left to the operating system).
	 */
	private FsyncPolicy fsync = FsyncPolicy.ALWAYS;

	/**
	 * How often the journal is forced to disk when fsync is 'interval'.
	 */
	private Duration fsyncInterval = Duration.ofMillis(100);

	/**
	 * Whether stored events are published as Spring application events,
	 * for @EventListener methods.
	 */
	private boolean publishEvents = true;

	/**
	 * Which journal keeps the events: 'file' (the persist-path file, or memory when it is
	 * unset) or 'postgres' (tables in the application's DataSource, shared by all its
	 * instances).
	 */
	private JournalType journal = JournalType.FILE;

	private final Postgres postgres = new Postgres();

	/**
	 * Durable event processors by name (the name of their {@code @EventProcessor}): start
	 * point, checkpoints, retry, enabled.
	 */
	private final Map<String, ProcessorSettings> processors = new LinkedHashMap<>();

	private final Health health = new Health();

	private final Ui ui = new Ui();

	private final Observations observations = new Observations();

	private final PersonalData personalData = new PersonalData();

	public @Nullable Path getPersistPath() {
		return this.persistPath;
	}

	public void setPersistPath(@Nullable Path persistPath) {
		this.persistPath = persistPath;
	}

	public FsyncPolicy getFsync() {
		return this.fsync;
	}

	public void setFsync(FsyncPolicy fsync) {
		this.fsync = fsync;
	}

	public @Nullable DataSize getSegmentSize() {
		return this.segmentSize;
	}

	public void setSegmentSize(@Nullable DataSize segmentSize) {
		this.segmentSize = segmentSize;
	}

	public Duration getFsyncInterval() {
		return this.fsyncInterval;
	}

	public void setFsyncInterval(Duration fsyncInterval) {
		this.fsyncInterval = fsyncInterval;
	}

	public JournalType getJournal() {
		return this.journal;
	}

	public void setJournal(JournalType journal) {
		this.journal = journal;
	}

	public Postgres getPostgres() {
		return this.postgres;
	}

	public Map<String, ProcessorSettings> getProcessors() {
		return this.processors;
	}

	public Health getHealth() {
		return this.health;
	}

	public Ui getUi() {
		return this.ui;
	}

	public PersonalData getPersonalData() {
		return this.personalData;
	}

	public Observations getObservations() {
		return this.observations;
	}

	/** Micrometer observations of appends and processor handling. */
	/**
	 * Personal data that can be erased (crypto-shredding): {@code @PersonalData}
	 * components are stored encrypted under a key per data subject, wrapped by the master
	 * key.
	 */
	public static class PersonalData {

		/**
		 * Base64 of the 32-byte master key that wraps every subject's key. Supply it from
		 * a secret store in production; it is never logged, exposed or written. Without
		 * it, events with personal data are refused, and start-up fails when a registered
		 * event type has any.
		 */
		private @Nullable String masterKey;

		/** Whether to protect personal data; on when a master key is set. */
		private @Nullable Boolean enabled;

		/**
		 * Directory of the subjects' keys of a file journal; {@code <persist-path>.keys}
		 * beside the journal by default.
		 */
		private @Nullable Path keyDirectory;

		public @Nullable String getMasterKey() {
			return this.masterKey;
		}

		public void setMasterKey(@Nullable String masterKey) {
			this.masterKey = masterKey;
		}

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Path getKeyDirectory() {
			return this.keyDirectory;
		}

		public void setKeyDirectory(@Nullable Path keyDirectory) {
			this.keyDirectory = keyDirectory;
		}

		/** Whether protection is on: as set, else when a master key is. */
		public boolean isActive() {
			return (this.enabled != null) ? this.enabled : this.masterKey != null && !this.masterKey.isBlank();
		}

		@Override
		public String toString() {
			// Never the master key.
			return "PersonalData[enabled=" + isActive() + ", keyDirectory=" + this.keyDirectory + "]";
		}

	}

	public static class Observations {

		/**
		 * Whether each append and each processor's handling of an event is an observation
		 * (a span in tracing, and the eventstore.append timer), when the application has
		 * an ObservationRegistry.
		 */
		private boolean enabled = true;

		/**
		 * Whether to record the trace context of each append (what tracing propagates,
		 * such as traceparent) in its events' metadata, so that a processor's handling of
		 * an event continues the trace of the request that appended it.
		 */
		private boolean propagateTraceContext = false;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isPropagateTraceContext() {
			return this.propagateTraceContext;
		}

		public void setPropagateTraceContext(boolean propagateTraceContext) {
			this.propagateTraceContext = propagateTraceContext;
		}

	}

	/** The read-only stream browser page. */
	public static class Ui {

		/**
		 * Whether to serve the stream browser (a Spring MVC application only). It has no
		 * security of its own: secure its path as the rest of the application.
		 */
		private boolean enabled = false;

		/** The path the stream browser is served under. */
		private String path = "/eventstore";

		/**
		 * How often an open live stream is sent a comment, so that a browser that went
		 * away is noticed (and its stream's thread freed) while no event is appended.
		 */
		private Duration heartbeat = Duration.ofSeconds(15);

		/**
		 * The most live streams open at once, each following events on a thread of its
		 * own; more are answered 503.
		 */
		private int maxLiveStreams = 32;

		public Duration getHeartbeat() {
			return this.heartbeat;
		}

		public void setHeartbeat(Duration heartbeat) {
			if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
				throw new IllegalArgumentException("eventstore.ui.heartbeat must be positive, was " + heartbeat);
			}
			this.heartbeat = heartbeat;
		}

		public int getMaxLiveStreams() {
			return this.maxLiveStreams;
		}

		public void setMaxLiveStreams(int maxLiveStreams) {
			if (maxLiveStreams < 1) {
				throw new IllegalArgumentException(
						"eventstore.ui.max-live-streams must be at least 1, was " + maxLiveStreams);
			}
			this.maxLiveStreams = maxLiveStreams;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			if (path == null || !path.startsWith("/") || path.length() < 2) {
				throw new IllegalArgumentException(
						"eventstore.ui.path must start with '/' and name a path, was '" + path + "'");
			}
			this.path = path;
		}

	}

	/** How the health contributors report. */
	public static class Health {

		/**
		 * The status the event processors' health contributor reports while a processor
		 * is FAILED: DOWN, or OUT_OF_SERVICE to keep it out of the overall status's worst
		 * case.
		 */
		private String failedProcessorStatus = "DOWN";

		public String getFailedProcessorStatus() {
			return this.failedProcessorStatus;
		}

		public void setFailedProcessorStatus(String failedProcessorStatus) {
			this.failedProcessorStatus = failedProcessorStatus;
		}

	}

	public boolean isPublishEvents() {
		return this.publishEvents;
	}

	public void setPublishEvents(boolean publishEvents) {
		this.publishEvents = publishEvents;
	}

	/** Where events are kept. */
	public enum JournalType {

		/** A file journal at persist-path, or memory when it is unset. */
		FILE,

		/** A PostgreSQL journal in the application's DataSource. */
		POSTGRES

	}

	/** Configuration of the PostgreSQL journal. */
	public static class Postgres {

		/**
		 * Whether to create the journal's tables on start-up when they are missing. Leave
		 * it off when a migration tool applies the schema script.
		 */
		private boolean initializeSchema;

		/**
		 * Prefix of the journal's table names: 1 to 40 lower-case letters, digits or
		 * underscores.
		 */
		private String tablePrefix = "eventstore_";

		public boolean isInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(boolean initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public String getTablePrefix() {
			return this.tablePrefix;
		}

		public void setTablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
		}

	}

}
