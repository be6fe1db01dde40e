package dev.eventstore.kafka;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.eventstore.ChildJvm;
import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Checkpoint;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.Processor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A process appending and forwarding is killed with SIGKILL 25 times: every event the
 * store acknowledged ends up in Kafka, each stream's first copies in order, and the
 * copies beyond the first come only from the windows that were unacknowledged at a kill.
 */
class ForwarderKillTests {

	private static final int KILLS = Integer.getInteger("eventstore.kafka.kills", 25);

	@TempDir
	Path dir;

	@Test
	void killedTwentyFiveTimesWhileForwardingItLosesNothingAndDuplicatesOnlyTheUnacknowledgedTail() throws Exception {
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 4, "killed");
		broker.afterPropertiesSet();
		Path journal = this.dir.resolve("events.ndjson");
		try {
			String bootstrap = broker.getBrokersAsString();
			long unacknowledgedAtKills = 0;
			for (int kill = 0; kill < KILLS; kill++) {
				Process child = ChildJvm.start(ForwardingChild.class, List.of("-Xmx256m"), journal.toString(),
						bootstrap, "killed");
				try (BufferedReader out = new BufferedReader(
						new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
					assertThat(out.readLine()).isEqualTo("ready");
					Thread.sleep(ThreadLocalRandom.current().nextInt(150, 900));
					child.destroyForcibly();
					assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
				}
				long checkpoint = CheckpointStore.besideJournal(journal)
					.load(KafkaForwarder.NAME)
					.map(Checkpoint::position)
					.orElse(0L);
				try (EventStore store = EventStore.builder().persistPath(journal).build()) {
					unacknowledgedAtKills += store.lastPosition() - checkpoint;
				}
			}
			List<StoredEvent> log;
			try (EventStore store = EventStore.builder().persistPath(journal).build()) {
				log = store.readAll(1, Integer.MAX_VALUE);
				KafkaForwarder forwarder = new KafkaForwarder(Topics.template(bootstrap),
						new KafkaForwarderSettings("killed", Map.of(), Set.of(), "/kill", Duration.ofSeconds(5)));
				try (Processor processor = Processor.builder(KafkaForwarder.NAME, store, forwarder)
					.checkpoints(CheckpointStore.besideJournal(journal))
					.build()
					.start()) {
					await().atMost(Duration.ofSeconds(120))
						.until(() -> processor.status().checkpoint() == store.lastPosition());
				}
			}
			assertThat(log).hasSizeGreaterThan(KILLS * 20);
			Forwarded forwarded = new Forwarded(Topics.read(bootstrap, "killed", log.size(), Duration.ofSeconds(60)));
			forwarded.holdsEveryEventOf(log);
			assertThat(forwarded.duplicates()).isLessThanOrEqualTo((int) unacknowledgedAtKills);
		}
		finally {
			broker.destroy();
		}
	}

}
