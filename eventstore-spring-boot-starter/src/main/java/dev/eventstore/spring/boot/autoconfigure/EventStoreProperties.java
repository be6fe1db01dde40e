package dev.eventstore.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import dev.eventstore.FsyncPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the auto-configured event store, under {@code eventstore}.
 */
@ConfigurationProperties("eventstore")
public class EventStoreProperties {

	/**
	 * Journal file that keeps the events, one JSON event per line. When unset, events are
	 * kept in memory and lost when the application stops.
	 */
	private @Nullable Path persistPath;

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

	public Duration getFsyncInterval() {
		return this.fsyncInterval;
	}

	public void setFsyncInterval(Duration fsyncInterval) {
		this.fsyncInterval = fsyncInterval;
	}

	public boolean isPublishEvents() {
		return this.publishEvents;
	}

	public void setPublishEvents(boolean publishEvents) {
		this.publishEvents = publishEvents;
	}

}
