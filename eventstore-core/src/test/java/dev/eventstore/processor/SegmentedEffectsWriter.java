package dev.eventstore.processor;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;

/**
 * A child process running a processor of 8 segments over a file journal; its handler
 * appends one line per event to an effects file ({@code run position stream version}).
 * Arguments: journal, effects file, run id, events to await ("0": work until killed).
 */
final class SegmentedEffectsWriter {

	private SegmentedEffectsWriter() {
	}

	public static void main(String[] args) throws Exception {
		Path journal = Path.of(args[0]);
		String run = args[2];
		long until = Long.parseLong(args[3]);
		try (FileChannel effects = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE, StandardOpenOption.APPEND);
				EventStore store = EventStore.builder().persistPath(journal).fsync(FsyncPolicy.NEVER).build();
				Processor processor = Processor.builder("effects", store, (event, delivery) -> {
					String line = run + " " + event.position() + " " + event.streamId() + " " + event.version() + "\n";
					// One write of an appending channel: whole lines, even across a kill.
					effects.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
					// 1 to 2 ms an event: at most 8,000 events a second over 8 segments,
					// so a kill within 400 ms of the start lands mid-work.
					LockSupport.parkNanos(1_000L * (1_000 + ThreadLocalRandom.current().nextInt(1_000)));
				})
					.segments(8)
					.checkpoints(CheckpointStore.besideJournal(journal))
					.checkpointEvery(50, Duration.ofMillis(20))
					.build()
					.start()) {
			System.out.println("started");
			System.out.flush();
			if (until == 0) {
				Thread.sleep(Long.MAX_VALUE);
			}
			if (!processor.awaitHandled(until, Duration.ofSeconds(120))) {
				throw new IllegalStateException("Not all handled: " + processor.status());
			}
		}
		System.out.println("done");
		System.out.flush();
	}

}
