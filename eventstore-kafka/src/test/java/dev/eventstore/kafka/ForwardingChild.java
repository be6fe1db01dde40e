package dev.eventstore.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.Processor;

/**
 * A process that appends events to a journal and forwards them to Kafka until it is
 * killed: {@code <journal> <bootstrap servers> <topic>}. Prints {@code ready} once the
 * forwarder runs.
 */
public final class ForwardingChild {

	private ForwardingChild() {
	}

	public static void main(String[] args) throws Exception {
		Path journal = Path.of(args[0]);
		EventStore store = EventStore.builder().persistPath(journal).fsync(FsyncPolicy.ALWAYS).build();
		KafkaForwarder forwarder = new KafkaForwarder(Topics.template(args[1]),
				new KafkaForwarderSettings(args[2], Map.of(), Set.of(), "/kill", Duration.ofSeconds(5)));
		Processor processor = Processor.builder(KafkaForwarder.NAME, store, forwarder)
			.checkpoints(CheckpointStore.besideJournal(journal))
			.checkpointEvery(100, Duration.ofMillis(50))
			.build()
			.start();
		long start = store.lastPosition();
		System.out.println("ready");
		System.out.flush();
		for (long i = start; i < start + 5_000; i++) {
			store.append("s-" + (i % 40), NewEvent.of("Counted", Map.of("i", i)));
		}
		processor.close();
		store.close();
		System.out.println("done");
	}

}
