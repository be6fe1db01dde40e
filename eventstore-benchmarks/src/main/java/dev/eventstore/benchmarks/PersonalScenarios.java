package dev.eventstore.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.FileSubjectKeyStore;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.personal.PersonalFields;
import dev.eventstore.personal.SubjectKeyStore;
import dev.eventstore.serialization.JacksonEventSerializer;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Personal data's cost (#29): the same event with and without two personal fields,
 * appended and read, and erasures among 100,000 subjects.
 */
final class PersonalScenarios {

	static final byte[] MASTER_KEY = "benchmark-master-key-32-bytes!!!".getBytes(StandardCharsets.US_ASCII);

	/** Subjects the append rows cycle through: their keys are made once, then cached. */
	static final int SUBJECTS = 1_000;

	@EventType("CustomerCheckedOut")
	record PersonalCheckout(String orderId, String customerId, @PersonalData(subject = "customerId") String name,
			@PersonalData(subject = "customerId") String email, String sku, int quantity, double unitPrice) {
	}

	@EventType("CustomerCheckedOutPlain")
	record PlainCheckout(String orderId, String customerId, String name, String email, String sku, int quantity,
			double unitPrice) {
	}

	private PersonalScenarios() {
	}

	static Object event(long i, boolean personal) {
		String customer = "customer-" + (i % SUBJECTS);
		String name = "Customer Name " + (i % SUBJECTS);
		String email = "customer" + (i % SUBJECTS) + "@example.org";
		return personal ? new PersonalCheckout("order-" + i, customer, name, email, "sku-" + (i % 50), 2, 9.99)
				: new PlainCheckout("order-" + i, customer, name, email, "sku-" + (i % 50), 2, 9.99);
	}

	static EventStore store(Path dir, String name, FsyncPolicy fsync, boolean personal) throws Exception {
		Path journal = dir.resolve(name + ".ndjson");
		Files.deleteIfExists(journal);
		Files.deleteIfExists(dir.resolve(name + ".ndjson.index-at-close"));
		Path keys = dir.resolve(name + ".keys");
		RowGroup.deleteTree(keys);
		EventStore.Builder builder = EventStore.builder()
			.persistPath(journal)
			.fsync(fsync)
			.eventTypes(EventTypes.of(PersonalCheckout.class, PlainCheckout.class));
		if (personal) {
			PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, new FileSubjectKeyStore(keys));
			// The subjects' keys made before the clock starts: a subject's first event
			// costs a forced write of its key, and the rows measure the events after it.
			PersonalFields fields = PersonalFields.of(PersonalCheckout.class);
			for (int i = 0; i < SUBJECTS; i++) {
				protection.encrypt(event(i, true), fields, UUID.randomUUID(), JacksonEventSerializer.defaults());
			}
			builder.personalData(protection);
		}
		return builder.build();
	}

	static Measurement.Result append(EventStore store, int threads, boolean personal, Settings settings)
			throws Exception {
		return Measurement.run(threads, settings.warmupMillis(), settings.measureMillis(), true,
				(t, i) -> store.append("order-" + t + "-" + (i % 1000), NewEvent.of(event(i, personal))));
	}

	/**
	 * Appends of events each of a subject the store has no key for yet: each makes its
	 * subject's key and forces it to the key store before the append.
	 */
	static Measurement.Result appendNewSubjects(EventStore store, int threads, Settings settings) throws Exception {
		AtomicLong subjects = new AtomicLong();
		return Measurement.run(threads, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
			long n = subjects.incrementAndGet();
			store.append("order-" + t + "-" + (i % 1000), NewEvent.of(new PersonalCheckout("order-" + i,
					"new-customer-" + n, "Customer Name " + n, "customer" + n + "@example.org", "sku-1", 2, 9.99)));
		});
	}

	/**
	 * A random 100-event stream read and decoded into its class, of {@code streams}
	 * streams: 1,000 (100,000 events) and 100 (10,000) are more than the file journal's
	 * decoded-events cache holds (8,192), so most or some reads decode and decrypt their
	 * events again; 50 fit in it.
	 */
	static Measurement.Result read(EventStore store, boolean personal, int streams, Settings settings)
			throws Exception {
		for (int s = 0; s < streams; s++) {
			List<NewEvent> batch = new ArrayList<>();
			for (int e = 0; e < 100; e++) {
				batch.add(NewEvent.of(event(s * 100L + e, personal)));
			}
			store.appendBatch("read-" + s, batch);
		}
		Class<?> type = personal ? PersonalCheckout.class : PlainCheckout.class;
		return Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
			for (StoredEvent event : store.readStream("read-" + ThreadLocalRandom.current().nextInt(streams))) {
				if (event.payload(type) == null) {
					throw new IllegalStateException("no payload");
				}
			}
		});
	}

	/**
	 * Erasures, one at a time, of random subjects among {@code subjects} in a file key
	 * store, the store fsyncing ALWAYS: milliseconds per erasure, p50 and p99.
	 */
	static Measurement.Result erasures(Path dir, int subjects, int erasures) throws Exception {
		Path journal = dir.resolve("erasures.ndjson");
		Files.deleteIfExists(journal);
		Path keys = dir.resolve("erasures.keys");
		RowGroup.deleteTree(keys);
		fillKeys(keys, subjects);
		try (EventStore store = EventStore.builder()
			.persistPath(journal)
			.fsync(FsyncPolicy.ALWAYS)
			.personalData(PersonalDataProtection.of(MASTER_KEY, new FileSubjectKeyStore(keys)))
			.build()) {
			List<Integer> order = new ArrayList<>();
			for (int i = 0; i < subjects; i++) {
				order.add(i);
			}
			Collections.shuffle(order);
			long[] micros = new long[erasures];
			long start = System.nanoTime();
			for (int e = 0; e < erasures; e++) {
				long before = System.nanoTime();
				if (!store.erasePersonalData("customer-" + order.get(e))) {
					throw new IllegalStateException("customer-" + order.get(e) + " had no key");
				}
				micros[e] = (System.nanoTime() - before) / 1_000;
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			Arrays.sort(micros);
			return new Measurement.Result(erasures / seconds, micros[erasures / 2],
					micros[(int) Math.ceil(erasures * 0.99) - 1]);
		}
	}

	/**
	 * Opens of the erasures' journal after a clean close, each to its first durable
	 * append, in turns: with personal data (its key store of the erasures' subjects; an
	 * event of a subject who has a key) and without (a plain event). Median milliseconds
	 * of each: {@code [without, with]}.
	 */
	static double[] opens(Path dir, int rounds) throws Exception {
		Path journal = dir.resolve("erasures.ndjson");
		Path keys = dir.resolve("erasures.keys");
		PersonalDataProtection references = PersonalDataProtection.of(MASTER_KEY, new FileSubjectKeyStore(keys));
		FileSubjectKeyStore lookup = new FileSubjectKeyStore(keys);
		int kept = 0;
		while (lookup.find(references.subjectReference("customer-" + kept)) == null) {
			kept++;
		}
		long[][] nanos = new long[2][rounds];
		for (int r = 0; r < rounds; r++) {
			for (int side = 0; side < 2; side++) {
				boolean personal = side == 1;
				long start = System.nanoTime();
				EventStore.Builder builder = EventStore.builder()
					.persistPath(journal)
					.fsync(FsyncPolicy.ALWAYS)
					.eventTypes(EventTypes.of(PersonalCheckout.class, PlainCheckout.class));
				if (personal) {
					builder.personalData(PersonalDataProtection.of(MASTER_KEY, new FileSubjectKeyStore(keys)));
				}
				try (EventStore store = builder.build()) {
					store.append("open-" + side, NewEvent.of(event(kept, personal)));
					nanos[side][r] = System.nanoTime() - start;
				}
			}
		}
		double[] medians = new double[2];
		for (int side = 0; side < 2; side++) {
			Arrays.sort(nanos[side]);
			medians[side] = nanos[side][rounds / 2] / 1e6;
		}
		return medians;
	}

	/**
	 * Makes the subjects' keys through a key store that writes the same files as
	 * {@link FileSubjectKeyStore} without forcing each: the setup of 100,000 keys would
	 * otherwise take minutes of fsyncs. The files are forced by the operating system
	 * before the erasures are measured ({@code sync} is not needed: they are read back
	 * from the page cache either way).
	 */
	private static void fillKeys(Path keys, int subjects) throws Exception {
		new FileSubjectKeyStore(keys);
		UnforcedKeys unforced = new UnforcedKeys(keys);
		PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, unforced);
		PersonalFields fields = PersonalFields.of(PersonalCheckout.class);
		JacksonEventSerializer serializer = new JacksonEventSerializer(JsonMapper.builder().build());
		for (int i = 0; i < subjects; i++) {
			protection.encrypt(new PersonalCheckout("order-" + i, "customer-" + i, "Customer Name " + i,
					"customer" + i + "@example.org", "sku-1", 1, 1.0), fields, UUID.randomUUID(), serializer);
		}
		if (new FileSubjectKeyStore(keys).size() != subjects) {
			throw new IllegalStateException("the key store does not hold " + subjects + " keys");
		}
	}

	/** The file store's layout, written without fsync: for the benchmark's setup only. */
	private static final class UnforcedKeys implements SubjectKeyStore {

		private final Path directory;

		private final ConcurrentHashMap<String, byte[]> written = new ConcurrentHashMap<>();

		private byte @Nullable [] check;

		UnforcedKeys(Path directory) {
			this.directory = directory;
		}

		@Override
		public byte @Nullable [] find(String subject) {
			return this.written.get(subject);
		}

		@Override
		public byte[] putIfAbsent(String subject, byte[] wrappedKey) {
			Path shard = this.directory.resolve(subject.substring(0, 2));
			try {
				Files.createDirectories(shard);
				Files.write(shard.resolve(subject + ".key"), wrappedKey);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.written.put(subject, wrappedKey);
			return wrappedKey;
		}

		@Override
		public boolean delete(String subject) {
			throw new UnsupportedOperationException();
		}

		@Override
		public byte @Nullable [] checkValue() {
			try {
				Path file = this.directory.resolve("check");
				return Files.exists(file) ? Files.readAllBytes(file) : this.check;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void saveCheckValue(byte[] value) {
			try {
				Files.write(this.directory.resolve("check"), value);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.check = value;
		}

		@Override
		public long size() {
			return this.written.size();
		}

		@Override
		public String location() {
			return this.directory.toString();
		}

	}

}
