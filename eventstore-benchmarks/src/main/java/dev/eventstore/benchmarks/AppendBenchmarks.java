package dev.eventstore.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU-bound paths, one at a time: validating and copying an event's data, appending
 * in memory, appending to a file without fsync. Run with
 * {@code java -cp <classpath> org.openjdk.jmh.Main AppendBenchmarks}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class AppendBenchmarks {

	/**
	 * A store per trial, fresh so that its size does not change across iterations much.
	 */
	@State(Scope.Thread)
	public static class Stores {

		EventStore memory;

		EventStore file;

		Path dir;

		long i;

		@Setup(Level.Iteration)
		public void open() throws Exception {
			this.dir = Files.createTempDirectory("eventstore-jmh");
			this.memory = EventStore.inMemory();
			this.file = EventStore.builder()
				.persistPath(this.dir.resolve("events.ndjson"))
				.fsync(FsyncPolicy.NEVER)
				.build();
		}

		@TearDown(Level.Iteration)
		public void close() throws Exception {
			this.memory.close();
			this.file.close();
			try (var files = Files.walk(this.dir)) {
				files.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
		}

	}

	@Benchmark
	public NewEvent newEventFromMap(Stores stores) {
		return NewEvent.of("OrderPlaced", Workload.payload(stores.i++));
	}

	@Benchmark
	public Object appendInMemory(Stores stores) {
		long i = stores.i++;
		return stores.memory.append(Workload.stream(0, i), Workload.event(i));
	}

	@Benchmark
	public Object appendToFileWithoutFsync(Stores stores) {
		long i = stores.i++;
		return stores.file.append(Workload.stream(0, i), Workload.event(i));
	}

}
