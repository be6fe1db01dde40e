package dev.eventstore.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import tools.jackson.databind.json.JsonMapper;

/**
 * The machine's own limits, and the seed's naive design, measured the same way as the
 * store.
 */
final class Baselines {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Baselines() {
	}

	static byte[] line(int length) {
		byte[] line = "x".repeat(length - 1).concat("\n").getBytes(StandardCharsets.UTF_8);
		return line;
	}

	/** Pre-serialised lines through a FileChannel with a 64 KiB buffer. */
	static Measurement.Result bufferedWrites(Path file, Settings settings) throws Exception {
		byte[] line = line(200);
		try (FileChannel channel = open(file)) {
			ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
			return Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), false, (t, i) -> {
				if (buffer.remaining() < line.length) {
					buffer.flip();
					channel.write(buffer);
					buffer.clear();
				}
				buffer.put(line);
			});
		}
	}

	/** Jackson serialisation of each event plus the buffered write. */
	static Measurement.Result serializeAndWrite(Path file, Settings settings) throws Exception {
		try (FileChannel channel = open(file)) {
			ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
			return Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), false, (t, i) -> {
				byte[] json = mapper
					.writeValueAsBytes(Workload.journalLine(i + 1, "stream-" + (i % 1000), i / 1000 + 1));
				if (buffer.remaining() < json.length + 1) {
					buffer.flip();
					channel.write(buffer);
					buffer.clear();
				}
				buffer.put(json).put((byte) '\n');
			});
		}
	}

	/**
	 * Jackson serialisation of each event plus one write call per line: what a store that
	 * keeps nothing in the process's buffers (so a process crash loses no acknowledged
	 * event) cannot avoid.
	 */
	static Measurement.Result serializeAndWriteEach(Path file, Settings settings) throws Exception {
		try (FileChannel channel = open(file)) {
			// Timing each line, as the store row it is compared with times each append.
			return Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
				byte[] json = mapper
					.writeValueAsBytes(Workload.journalLine(i + 1, "stream-" + (i % 1000), i / 1000 + 1));
				ByteBuffer line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
				while (line.hasRemaining()) {
					channel.write(line);
				}
			});
		}
	}

	/**
	 * Threads serialising lines and writing each with one call under a shared lock: what
	 * the machine gives many threads writing one file without fsync.
	 */
	static Measurement.Result serializeAndWriteEachUnderLock(Path file, int threads, Settings settings)
			throws Exception {
		ReentrantLock lock = new ReentrantLock();
		try (FileChannel channel = open(file)) {
			return Measurement.run(threads, settings.warmupMillis(), settings.measureMillis(), false, (t, i) -> {
				byte[] json = mapper
					.writeValueAsBytes(Workload.journalLine(i + 1, "stream-" + (i % 1000), i / 1000 + 1));
				ByteBuffer line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
				lock.lock();
				try {
					while (line.hasRemaining()) {
						channel.write(line);
					}
				}
				finally {
					lock.unlock();
				}
			});
		}
	}

	/**
	 * A batch's lines, serialised by Jackson or made beforehand, written with one call
	 * and forced once, one thread: what a durable batch of {@code size} events cannot
	 * avoid (#32's baseline).
	 * @return events a second
	 */
	static Measurement.Result batchWrites(Path file, int size, boolean serialise, Settings settings) throws Exception {
		// Without serialising, the lines of 64 batches are made beforehand and written in
		// turn: the write and the force alone.
		byte[][] prepared = new byte[64][];
		for (int b = 0; b < prepared.length; b++) {
			prepared[b] = lines(b, size);
		}
		try (FileChannel channel = open(file)) {
			Measurement.Result batches = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						byte[] lines = serialise ? lines(i, size) : prepared[(int) (i & 63)];
						ByteBuffer buffer = ByteBuffer.wrap(lines);
						while (buffer.hasRemaining()) {
							channel.write(buffer);
						}
						channel.force(false);
					});
			return new Measurement.Result(batches.opsPerSecond() * size, batches.p50Micros(), batches.p99Micros());
		}
	}

	private static byte[] lines(long batch, int size) throws IOException {
		ByteArrayOutputStream lines = new ByteArrayOutputStream(size * 256);
		for (int k = 0; k < size; k++) {
			long position = batch * size + k + 1;
			lines.write(mapper.writeValueAsBytes(
					Workload.journalLine(position, "stream-" + (batch % 1000), batch / 1000 * size + k + 1)));
			lines.write('\n');
		}
		return lines.toByteArray();
	}

	/**
	 * One 200-byte write and a force per operation, one thread: the disk's fsync rate.
	 */
	static Measurement.Result fsyncs(Path file, Settings settings) throws Exception {
		byte[] line = line(200);
		try (FileChannel channel = open(file)) {
			return Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
				channel.write(ByteBuffer.wrap(line));
				channel.force(false);
			});
		}
	}

	/**
	 * A minimal group commit: writers hand lines to one flusher that writes all it has
	 * and forces once per round; each writer waits for the round that took its line.
	 */
	static Measurement.Result groupCommit(Path file, int threads, Settings settings) throws Exception {
		try (FileChannel channel = open(file); GroupCommit commit = new GroupCommit(channel)) {
			byte[] line = line(200);
			return Measurement.run(threads, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> commit.append(line));
		}
	}

	/**
	 * The seed's design, per event: serialise, open the file in append mode, write one
	 * line, close.
	 */
	static Measurement.Result naive(Path file, Settings settings) throws Exception {
		return Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), false, (t, i) -> {
			byte[] json = mapper.writeValueAsBytes(Workload.line(i));
			byte[] line = new byte[json.length + 1];
			System.arraycopy(json, 0, line, 0, json.length);
			line[json.length] = '\n';
			Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		});
	}

	static FileChannel open(Path file) throws IOException {
		Files.deleteIfExists(file);
		return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
	}

	/** The raw group commit. */
	static final class GroupCommit implements AutoCloseable {

		private final FileChannel channel;

		private final ReentrantLock lock = new ReentrantLock();

		private final Condition changed = this.lock.newCondition();

		private List<byte[]> pending = new ArrayList<>();

		private long queued;

		private long flushed;

		private volatile boolean closed;

		private final Thread flusher;

		GroupCommit(FileChannel channel) {
			this.channel = channel;
			this.flusher = new Thread(this::flushLoop, "raw-group-commit");
			this.flusher.setDaemon(true);
			this.flusher.start();
		}

		void append(byte[] line) throws InterruptedException {
			this.lock.lock();
			try {
				this.pending.add(line);
				long mine = ++this.queued;
				this.changed.signalAll();
				while (this.flushed < mine) {
					this.changed.await();
				}
			}
			finally {
				this.lock.unlock();
			}
		}

		private void flushLoop() {
			ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
			while (!this.closed) {
				List<byte[]> round;
				long upTo;
				this.lock.lock();
				try {
					while (this.pending.isEmpty() && !this.closed) {
						this.changed.awaitUninterruptibly();
					}
					round = this.pending;
					this.pending = new ArrayList<>();
					upTo = this.queued;
				}
				finally {
					this.lock.unlock();
				}
				try {
					buffer.clear();
					for (byte[] line : round) {
						if (buffer.remaining() < line.length) {
							buffer.flip();
							this.channel.write(buffer);
							buffer.clear();
						}
						buffer.put(line);
					}
					buffer.flip();
					this.channel.write(buffer);
					this.channel.force(false);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
				this.lock.lock();
				try {
					this.flushed = upTo;
					this.changed.signalAll();
				}
				finally {
					this.lock.unlock();
				}
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.closed = true;
			this.lock.lock();
			try {
				this.changed.signalAll();
			}
			finally {
				this.lock.unlock();
			}
			this.flusher.join(5_000);
		}

	}

}
