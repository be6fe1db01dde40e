package dev.eventstore.kafka;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ProducerFactory;

/**
 * The largest record each topic takes: the least of the producer's
 * {@code max.request.size} and the topic's {@code max.message.bytes} (the broker's
 * {@code message.max.bytes} for a topic yet to be made), asked of the cluster once a
 * topic. The forwarder refuses a larger record before sending it: the producer refuses
 * one above its own limit at once, but one it takes and the broker refuses fails only
 * after the records behind it, of the same stream too, are on their way, and an
 * idempotent producer still writes those.
 */
final class TopicLimits {

	private static final System.Logger logger = System.getLogger(TopicLimits.class.getName());

	/**
	 * How long after a failed lookup (no access to configurations, say) the next may
	 * begin.
	 */
	private static final long RETRY_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final Map<String, Object> admin;

	/**
	 * Whether the cluster is asked at all: not when the producer's settings are unknown.
	 */
	private final boolean ask;

	private final int maxRequestSize;

	/** How long a record waits for its topic's limit, and a lookup for each answer. */
	private final Duration timeout;

	/** Each topic's lookup, under way or done (null when it failed). */
	private final Map<String, Lookup> lookups = new ConcurrentHashMap<>();

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	/**
	 * Limits for a producer factory's producers; none (every record sent as it is) when
	 * the factory does not tell its settings (a factory of the application's own, say),
	 * since the producer's own limit is not known either.
	 * @param factory the factory
	 * @return the limits
	 */
	static TopicLimits of(ProducerFactory<?, ?> factory) {
		Map<String, Object> settings;
		try {
			settings = factory.getConfigurationProperties();
		}
		catch (UnsupportedOperationException ex) {
			settings = Map.of();
		}
		if (!settings.containsKey(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
			logger.log(Level.WARNING, "The Kafka forwarder's producer factory (" + factory.getClass().getName()
					+ ") does not tell its settings: records are sent without being measured against their topic's "
					+ "limit, and one the broker refuses may be overtaken by later records of its stream");
			return new TopicLimits(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.MAX_VALUE), Duration.ZERO,
					false);
		}
		return new TopicLimits(settings);
	}

	/**
	 * Limits for a producer.
	 * @param producer the producer's settings: its limit, and the cluster's address and
	 * security settings to ask it with
	 */
	TopicLimits(Map<String, Object> producer) {
		this(producer, Duration.ofSeconds(5));
	}

	TopicLimits(Map<String, Object> producer, Duration timeout) {
		this(producer, timeout, true);
	}

	private TopicLimits(Map<String, Object> producer, Duration timeout, boolean ask) {
		this.timeout = timeout;
		this.ask = ask;
		Map<String, Object> admin = new HashMap<>();
		Set<String> adminSettings = AdminClientConfig.configNames();
		producer.forEach((name, value) -> {
			if (adminSettings.contains(name)) {
				admin.put(name, value);
			}
		});
		admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "eventstore-kafka-forwarder-limits");
		this.admin = admin;
		Object size = producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
		this.maxRequestSize = (size != null) ? Integer.parseInt(size.toString().trim())
				: (int) ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
	}

	/**
	 * Starts asking for the topic's limit, in the background, unless it is known or asked
	 * for already: a large record then seldom waits for the answer.
	 * @param topic the topic
	 */
	void prefetch(String topic) {
		if (this.ask) {
			lookup(topic);
		}
	}

	/**
	 * The largest record the topic takes, in bytes as the producer measures a record
	 * (uncompressed, with its batch's overhead), waiting a few seconds at most for the
	 * cluster's answer. While the cluster cannot be asked, the producer's own limit.
	 * @param topic the topic
	 * @return the limit
	 */
	int maxRecordBytes(String topic) {
		if (!this.ask) {
			return this.maxRequestSize;
		}
		Lookup lookup = lookup(topic);
		Integer limit;
		try {
			limit = lookup.limit().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			limit = null;
		}
		catch (ExecutionException ex) {
			limit = null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			limit = null;
		}
		return (limit != null) ? Math.min(limit, this.maxRequestSize) : this.maxRequestSize;
	}

	/** Asks the cluster again next time: the broker refused a record a limit let pass. */
	void forgetAll() {
		this.lookups.clear();
	}

	private Lookup lookup(String topic) {
		Lookup lookup = this.lookups.get(topic);
		if (lookup != null && !lookup.failedLongAgo()) {
			return lookup;
		}
		return this.lookups.compute(topic,
				(name, current) -> (current != null && !current.failedLongAgo()) ? current : new Lookup(
						CompletableFuture.supplyAsync(() -> lookUp(name), TopicLimits::daemon), System.nanoTime()));
	}

	private static void daemon(Runnable task) {
		Thread thread = new Thread(task, "eventstore-kafka-topic-limits");
		thread.setDaemon(true);
		thread.start();
	}

	/** A lookup and when it began. */
	private record Lookup(CompletableFuture<@Nullable Integer> limit, long startedAt) {

		/** Failed, and long enough ago to be tried again. */
		boolean failedLongAgo() {
			return this.limit.isDone() && this.limit.getNow(null) == null
					&& System.nanoTime() - this.startedAt > RETRY_NANOS;
		}

	}

	private @Nullable Integer lookUp(String topic) {
		Admin client = null;
		try {
			client = Admin.create(this.admin);
			Integer limit = setting(client, new ConfigResource(ConfigResource.Type.TOPIC, topic),
					TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
			if (limit == null) {
				// A topic made on its first record gets the broker's default.
				Collection<Node> nodes = client.describeCluster()
					.nodes()
					.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
				limit = setting(client,
						new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(nodes.iterator().next().id())),
						"message.max.bytes");
			}
			return limit;
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			if (this.warned.add(topic)) {
				logger.log(Level.WARNING, "Cannot read the largest record topic '" + topic + "' takes ("
						+ ex.getMessage() + "); until it can be read, records up to the producer's max.request.size ("
						+ this.maxRequestSize + " bytes) are sent, and one the broker refuses may be overtaken by "
						+ "later records of its stream");
			}
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		finally {
			if (client != null) {
				// Calls still waiting for a broker that is not there are dropped at once.
				client.close(Duration.ZERO);
			}
		}
	}

	/** A numeric setting of a topic or broker; null when the topic does not exist. */
	private @Nullable Integer setting(Admin client, ConfigResource resource, String name)
			throws ExecutionException, TimeoutException, InterruptedException {
		Config config;
		try {
			config = client.describeConfigs(List.of(resource))
				.all()
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
				.get(resource);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
				return null;
			}
			throw ex;
		}
		ConfigEntry entry = (config != null) ? config.get(name) : null;
		if (entry == null || entry.value() == null) {
			throw new IllegalStateException("no " + name + " in the configuration of " + resource);
		}
		return Integer.valueOf(entry.value().trim());
	}

}
