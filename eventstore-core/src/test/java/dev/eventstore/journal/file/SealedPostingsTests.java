package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import dev.eventstore.AppendCondition;
import dev.eventstore.AppendConditionFailedException;
import dev.eventstore.EventQuery;
import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.QueryResult;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.support.Postings;
import dev.eventstore.journal.support.QueryIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A segmented journal's types and tags index: sealed segments' postings on disk, written
 * at sealing and rebuilt when missing, damaged or foreign; the heap holds the active
 * segment's only; queries and conditions across them agree with a scan of the log.
 */
class SealedPostingsTests {

	private static final long SEGMENT = 4096;

	private static final List<String> TYPES = List.of("Placed", "Paid", "Shipped");

	@TempDir
	Path dir;

	private Path journal() {
		return this.dir.resolve("events");
	}

	private FileJournal open() {
		return FileJournal.open(journal(), FsyncPolicy.NEVER, Duration.ofMillis(100), SEGMENT);
	}

	private static NewEvent event(int i) {
		return NewEvent.of(TYPES.get(i % 3), Map.of("i", i, "pad", "x".repeat(40)))
			.withTags("order:" + (i % 37), "customer:" + (i % 5));
	}

	private static void append(EventStore store, int from, int to) {
		for (int i = from; i < to; i++) {
			store.append("order-" + (i % 37), event(i));
		}
	}

	private List<Path> postingsFiles() throws IOException {
		try (Stream<Path> files = Files.list(journal())) {
			return files.filter((f) -> f.toString().endsWith(SealedPostings.SUFFIX)).sorted().toList();
		}
	}

	private List<Path> segments() throws IOException {
		try (Stream<Path> files = Files.list(journal())) {
			return files.filter((f) -> f.toString().endsWith(Segments.SEGMENT_SUFFIX)).sorted().toList();
		}
	}

	@Test
	void postingsAreWrittenAtSealingAndReadAfterReopeningWithoutRebuilding() throws Exception {
		try (FileJournal journal = open(); EventStore store = EventStore.builder().journal(journal).build()) {
			append(store, 0, 10);
			store.read(EventQuery.ofTags("order:1"));
			append(store, 10, 1_500);
			assertThat(segments()).hasSizeGreaterThan(10);
			assertThat(postingsFiles()).hasSize(segments().size() - 1);
			LogQueries index = journal.queryIndex();
			assertThat(index).isNotNull();
			assertThat(index.sealed()).hasSize(segments().size() - 1)
				.allSatisfy((part) -> assertThat(part.postings()).isInstanceOf(SealedPostings.class));
		}
		Map<Path, FileTime> written = new LinkedHashMap<>();
		for (Path file : postingsFiles()) {
			written.put(file, Files.getLastModifiedTime(file));
		}
		Thread.sleep(20);
		try (FileJournal journal = open(); EventStore store = EventStore.builder().journal(journal).build()) {
			agreesWithAScan(store, new Random(1));
		}
		for (Map.Entry<Path, FileTime> file : written.entrySet()) {
			assertThat(Files.getLastModifiedTime(file.getKey())).as(file.getKey().toString())
				.isEqualTo(file.getValue());
		}
	}

	@Test
	void theHeapHoldsOnlyTheActiveSegmentsPostings() throws Exception {
		try (FileJournal journal = open(); EventStore store = EventStore.builder().journal(journal).build()) {
			append(store, 0, 3_000);
			store.read(EventQuery.ofTags("order:1"));
			LogQueries index = journal.queryIndex();
			long active = store.lastPosition() - index.activeFirst() + 1;
			assertThat(active).isLessThan(200);
			// One type and two tags an event.
			assertThat(index.active().occurrences()).isEqualTo(3 * active);
			append(store, 3_000, 3_500);
			long activeNow = store.lastPosition() - journal.queryIndex().activeFirst() + 1;
			assertThat(journal.queryIndex().active().occurrences()).isEqualTo(3 * activeNow);
		}
	}

	@Test
	void aMissingDamagedOrForeignPostingsFileIsWrittenAgainFromItsSegment() throws Exception {
		try (FileJournal journal = open(); EventStore store = EventStore.builder().journal(journal).build()) {
			store.read(EventQuery.ofTags("order:1"));
			append(store, 0, 1_500);
		}
		List<Path> files = postingsFiles();
		assertThat(files).hasSizeGreaterThan(4);
		Files.delete(files.get(0));
		byte[] damaged = Files.readAllBytes(files.get(1));
		damaged[damaged.length / 2] ^= 0x10;
		Files.write(files.get(1), damaged);
		Files.copy(files.get(3), files.get(2), StandardCopyOption.REPLACE_EXISTING);
		try (FileJournal journal = open(); EventStore store = EventStore.builder().journal(journal).build()) {
			agreesWithAScan(store, new Random(2));
			assertThat(journal.queryIndex().sealed())
				.allSatisfy((part) -> assertThat(part.postings()).isInstanceOf(SealedPostings.class));
		}
		List<Segments.Listed> segments = Segments.list(journal());
		for (int i = 0; i < 3; i++) {
			Path segment = segments.get(i).path();
			assertThat(SealedPostings.open(segment, segments.get(i).first(), segments.get(i + 1).first() - 1,
					JournalIdentity.fingerprint(segment)))
				.as("the rewritten postings of " + segment)
				.isNotNull();
		}
	}

	@Test
	void queriesAndConditionsAcrossSealedSegmentsAndTheActiveOneAgreeWithAScan() throws Exception {
		try (FileJournal journal = open(); EventStore store = EventStore.builder().journal(journal).build()) {
			append(store, 0, 700);
			store.read(EventQuery.ofTags("order:1"));
			append(store, 700, 1_400);
			agreesWithAScan(store, new Random(3));

			// A condition whose 'after' lies in an old sealed segment sees the matches
			// there.
			EventQuery query = EventQuery.of(List.of("Paid"), List.of("order:4"));
			List<Long> matches = scan(store, query, 0);
			long after = matches.get(0);
			assertThatExceptionOfType(AppendConditionFailedException.class)
				.isThrownBy(() -> store.append("order-4", event(4), AppendCondition.failIfEventsMatch(query, after)))
				.satisfies((ex) -> assertThat(ex.conflictingPositions()).startsWith(matches.get(1)));
			long last = matches.get(matches.size() - 1);
			store.append("order-4", event(4), AppendCondition.failIfEventsMatch(query, last));
		}
	}

	@Test
	void postingsThatCannotBeWrittenStayInTheHeapAndQueriesStillAgreeWithAScan() throws Exception {
		try (FileJournal journal = open(); EventStore store = EventStore.builder().journal(journal).build()) {
			// A non-empty directory where the first segment's postings file goes: the
			// rename onto it fails.
			Path blocked = journal().resolve("00000000000000000001" + SealedPostings.SUFFIX);
			Files.createDirectories(blocked);
			Files.writeString(blocked.resolve("in-the-way"), "x");
			store.read(EventQuery.ofTags("order:1"));
			append(store, 0, 300);
			List<LogQueries.Part> sealed = journal.queryIndex().sealed();
			assertThat(sealed).hasSizeGreaterThan(2);
			assertThat(sealed.get(0).postings()).isInstanceOf(QueryIndex.class);
			assertThat(sealed.subList(1, sealed.size()))
				.allSatisfy((part) -> assertThat(part.postings()).isInstanceOf(SealedPostings.class));
			agreesWithAScan(store, new Random(4));
		}
	}

	@Test
	void everyKeyIsFoundByItsUtf8BytesAndAnAbsentOneIsNot() throws Exception {
		QueryIndex index = new QueryIndex();
		List<String> tags = List.of("z", "a", "é", "e", "ä:€", "日本", "a:b", "A");
		for (int p = 1; p <= 400; p++) {
			index.add(p + 99, "T" + (p % 3), Set.of(tags.get(p % tags.size())));
		}
		Files.createDirectories(this.dir);
		Path segment = this.dir.resolve("00000000000000000100.ndjson");
		Files.writeString(segment, "x");
		SealedPostings.write(segment, 100, 499, 42, index);
		assertThat(SealedPostings.open(segment, 100, 499, 43)).as("another fingerprint").isNull();
		assertThat(SealedPostings.open(segment, 101, 499, 42)).as("other positions").isNull();
		SealedPostings postings = SealedPostings.open(segment, 100, 499, 42);
		assertThat(postings).isNotNull();
		for (String tag : tags) {
			Postings.PositionList expected = index.tag(tag);
			Postings.PositionList found = postings.tag(tag);
			assertThat(found).as(tag).isNotNull();
			assertThat(positions(found)).containsExactlyElementsOf(positions(expected));
		}
		assertThat(postings.type("T1").size()).isEqualTo(index.type("T1").size());
		assertThat(postings.tag("b")).isNull();
		assertThat(postings.tag("T1")).as("a type is not a tag").isNull();
		assertThat(postings.type("z")).as("a tag is not a type").isNull();
	}

	private static List<Long> positions(Postings.PositionList list) {
		List<Long> positions = new ArrayList<>();
		for (int i = 0; i < list.size(); i++) {
			positions.add(list.get(i));
		}
		return positions;
	}

	private static void agreesWithAScan(EventStore store, Random random) {
		for (int round = 0; round < 200; round++) {
			EventQuery query = switch (round % 5) {
				case 0 -> EventQuery.ofTags("order:" + random.nextInt(40));
				case 1 ->
					EventQuery.of(List.of(TYPES.get(random.nextInt(3))), List.of("customer:" + random.nextInt(5)));
				case 2 -> EventQuery.ofTags("order:" + random.nextInt(37), "customer:" + random.nextInt(5));
				case 3 -> EventQuery.ofTypes(TYPES.get(random.nextInt(3)))
					.or(EventQuery.ofTags("order:" + random.nextInt(37)));
				default -> EventQuery.all();
			};
			long from = 1 + random.nextInt((int) store.lastPosition());
			int max = (round % 2 == 0) ? Integer.MAX_VALUE : 1 + random.nextInt(30);
			QueryResult result = store.read(query, from, max);
			List<Long> expected = scan(store, query, from - 1);
			List<Long> page = expected.subList(0, Math.min(max, expected.size()));
			assertThat(result.events()).extracting(StoredEvent::position)
				.as("%s from %d", query, from)
				.containsExactlyElementsOf(page);
		}
	}

	private static List<Long> scan(EventStore store, EventQuery query, long after) {
		List<Long> positions = new ArrayList<>();
		for (StoredEvent event : store.readAll(after + 1, Integer.MAX_VALUE)) {
			if (query.matches(event)) {
				positions.add(event.position());
			}
		}
		return positions;
	}

}
