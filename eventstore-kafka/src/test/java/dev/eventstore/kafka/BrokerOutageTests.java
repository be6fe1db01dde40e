package dev.eventstore.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.RetryPolicy;
import kafka.server.BrokerServer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker stops for 10 seconds while events are appended and forwarded: the forwarder
 * shows it, its checkpoint waits, and once the broker is back every event arrives, each
 * stream's first copies in order.
 */
class BrokerOutageTests {

	@Test
	void aBrokerStoppedForTenSecondsMidRunLosesNothingAndReordersNothing() throws Exception {
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 4, "outage");
		broker.afterPropertiesSet();
		try (EventStore store = EventStore.inMemory()) {
			String bootstrap = broker.getBrokersAsString();
			KafkaForwarder forwarder = new KafkaForwarder(Topics.template(bootstrap),
					new KafkaForwarderSettings("outage", Map.of(), Set.of(), "/outage", Duration.ofSeconds(2)));
			try (Processor processor = Processor.builder(KafkaForwarder.NAME, store, forwarder)
				.checkpointEvery(200, Duration.ofMillis(200))
				.retry(new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0))
				.build()
				.start()) {
				// The second half is appended while the broker is down: a broker that
				// takes longer to stop than the appender takes to finish would otherwise
				// leave nothing to forward during the outage.
				CountDownLatch brokerDown = new CountDownLatch(1);
				Thread appender = new Thread(() -> {
					for (int i = 0; i < 3_000; i++) {
						if (i == 1_500) {
							awaitQuietly(brokerDown);
						}
						store.append("order-" + (i % 50), NewEvent.of("OrderNoted", Map.of("i", i)));
						sleep(3);
					}
				});
				appender.setDaemon(true);
				appender.start();
				await().atMost(Duration.ofSeconds(60)).until(() -> processor.status().checkpoint() >= 500);

				BrokerServer server = broker.getCluster().brokers().values().iterator().next();
				server.shutdown();
				server.awaitShutdown();
				long stoppedAt = processor.status().checkpoint();
				brokerDown.countDown();
				// The producer learns of the dead broker through its request timeouts and
				// metadata refreshes; on a loaded 2-core machine that once took over 10
				// s.
				await().atMost(Duration.ofSeconds(30)).until(() -> !forwarder.status().isHealthy());
				Thread.sleep(10_000);
				long checkpointWhileDown = processor.status().checkpoint();
				assertThat(forwarder.status().isHealthy()).isFalse();
				server.startup();

				appender.join(120_000);
				long last = store.lastPosition();
				assertThat(last).isEqualTo(3_000);
				await().atMost(Duration.ofSeconds(120)).until(() -> processor.status().checkpoint() == last);
				assertThat(forwarder.status().isHealthy()).isTrue();
				// Nothing was acknowledged while the broker was down, beyond what it had
				// acknowledged before it went.
				assertThat(checkpointWhileDown).isLessThanOrEqualTo(stoppedAt + 200);

				Forwarded forwarded = new Forwarded(Topics.read(bootstrap, "outage", 3_000, Duration.ofSeconds(60)));
				forwarded.holdsEveryEventOf(store.readAll(1, 3_000));
				// The producer rode out the outage with its own idempotent retries.
				assertThat(forwarded.duplicates()).isZero();
			}
		}
		finally {
			broker.destroy();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
