package dev.eventstore.benchmarks;

import java.io.BufferedReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rows of #26 (one event body, serialised once): replaying a journal with every
 * event's data decoded against a plain {@code readLine} + Jackson parse of the same file,
 * and a typed append through the application's mapper against the same append on the
 * store before #26, loaded from its jar in a class loader of its own.
 */
final class BodyScenarios {

	/** A plain Jackson mapper, for the baselines: what an application would have. */
	static final JsonMapper APPLICATION_MAPPER = JsonMapper.builder().build();

	private BodyScenarios() {
	}

	/** Both replays, in events per second: the best of the rounds, taken in turn. */
	record Replay(double storeEventsPerSecond, double baselineEventsPerSecond) {
	}

	/**
	 * Replays the whole journal through {@code readAll} pages of 1,000, reading every
	 * event's {@code data()}, and the same file with {@code BufferedReader.readLine} and
	 * {@code readValue(line, Map.class)}; in turns, so the disk cache and the JIT treat
	 * both alike.
	 */
	static Replay replay(EventStore store, Path file, int rounds) throws Exception {
		double best = 0;
		double bestBaseline = 0;
		long expected = store.lastPosition();
		for (int round = 0; round < rounds; round++) {
			long start = System.nanoTime();
			long lines = baselinePass(file);
			double baseline = lines / ((System.nanoTime() - start) / 1e9);
			start = System.nanoTime();
			long events = storePass(store);
			double replay = events / ((System.nanoTime() - start) / 1e9);
			if (events != expected || lines != expected) {
				throw new IllegalStateException(
						"Replayed " + events + " events and " + lines + " lines of " + expected);
			}
			best = Math.max(best, replay);
			bestBaseline = Math.max(bestBaseline, baseline);
		}
		return new Replay(best, bestBaseline);
	}

	private static long storePass(EventStore store) {
		long count = 0;
		long keys = 0;
		long from = 1;
		while (true) {
			List<StoredEvent> page = store.readAll(from, 1_000);
			if (page.isEmpty()) {
				break;
			}
			for (StoredEvent event : page) {
				keys += event.data().size();
			}
			count += page.size();
			from = page.get(page.size() - 1).position() + 1;
		}
		if (keys == 0) {
			throw new IllegalStateException("No data replayed");
		}
		return count;
	}

	private static long baselinePass(Path file) throws Exception {
		long count = 0;
		long keys = 0;
		try (BufferedReader reader = Files.newBufferedReader(file)) {
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				if (!line.isBlank()) {
					keys += APPLICATION_MAPPER.readValue(line, Map.class).size();
					count++;
				}
			}
		}
		if (keys == 0) {
			throw new IllegalStateException("No lines parsed");
		}
		return count;
	}

	/**
	 * A store's typed append, {@code NewEvent.of(record)} per append through a serializer
	 * on the application's mapper, fsync {@code NEVER}, reached by reflection so that the
	 * store of this build and the store of an earlier jar run the same code around it.
	 */
	static final class TypedAppend implements AutoCloseable {

		private final Object store;

		private final Method of;

		private final Method append;

		private final Method close;

		TypedAppend(ClassLoader loader, Path file) throws Exception {
			Class<?> eventStore = loader.loadClass("dev.eventstore.EventStore");
			Class<?> newEvent = loader.loadClass("dev.eventstore.NewEvent");
			Class<?> fsync = loader.loadClass("dev.eventstore.FsyncPolicy");
			Class<?> serializer = loader.loadClass("dev.eventstore.serialization.EventSerializer");
			Object builder = eventStore.getMethod("builder").invoke(null);
			Class<?> builderType = eventStore.getMethod("builder").getReturnType();
			builderType.getMethod("persistPath", Path.class).invoke(builder, file);
			builderType.getMethod("fsync", fsync).invoke(builder, fsync.getField("NEVER").get(null));
			builderType.getMethod("serializer", serializer)
				.invoke(builder,
						loader.loadClass("dev.eventstore.serialization.JacksonEventSerializer")
							.getConstructor(JsonMapper.class)
							.newInstance(APPLICATION_MAPPER));
			this.store = builderType.getMethod("build").invoke(builder);
			this.of = newEvent.getMethod("of", Object.class);
			this.append = eventStore.getMethod("append", String.class, newEvent);
			this.close = eventStore.getMethod("close");
		}

		/** Appends the workload's i-th payload as a typed event. */
		void append(long i) throws Exception {
			try {
				this.append.invoke(this.store, Workload.stream(0, i), this.of.invoke(null, Workload.record(i)));
			}
			catch (InvocationTargetException ex) {
				throw (ex.getCause() instanceof Exception cause) ? cause : ex;
			}
		}

		@Override
		public void close() throws Exception {
			this.close.invoke(this.store);
		}

	}

	/**
	 * A class loader that takes the store's classes from an earlier build's core jar and
	 * everything else (Jackson, the benchmark's own classes) from the benchmark's.
	 */
	static ClassLoader earlierCore(Path jar) throws Exception {
		return new URLClassLoader(new URL[] { jar.toUri().toURL() }, BodyScenarios.class.getClassLoader()) {

			@Override
			protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
				synchronized (getClassLoadingLock(name)) {
					Class<?> loaded = findLoadedClass(name);
					if (loaded == null && name.startsWith("dev.eventstore.")
							&& !name.startsWith("dev.eventstore.benchmarks.")) {
						try {
							loaded = findClass(name);
						}
						catch (ClassNotFoundException ex) {
							// not in the earlier jar: the parent's
						}
					}
					if (loaded == null) {
						return super.loadClass(name, resolve);
					}
					if (resolve) {
						resolveClass(loaded);
					}
					return loaded;
				}
			}

		};
	}

}
