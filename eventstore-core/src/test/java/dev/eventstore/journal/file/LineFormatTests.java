package dev.eventstore.journal.file;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LineFormatTests {

	@ParameterizedTest
	@ValueSource(strings = { "order-1", "ünïcødé ✓", "quote\"inside", "back\\slash", "tab\there", "a,\"version\":9" })
	void headerReadByPositionEqualsHeaderReadByParsing(String streamId) {
		LineEncoder codec = new LineEncoder();
		List<NewEvent> batch = List.of(NewEvent.of("Type \"x\"", Map.of("a", 1)), NewEvent.of("Plain", Map.of()),
				NewEvent.of("Other", Map.of("batch_end", 7)));
		int[] starts = codec.encode(streamId, 41, 3, batch, Instant.parse("2026-11-24T10:00:00Z"));
		List<LineFormat.Decoded> fast = new ArrayList<>();
		List<LineFormat.Decoded> parsed = new ArrayList<>();
		for (int i = 0; i < starts.length; i++) {
			int end = (i + 1 < starts.length) ? starts[i + 1] : codec.size();
			fast.add(LineDecoder.decodeHeader(codec.bytes(), starts[i], end - starts[i] - 1));
			parsed.add(LineDecoder.decodeHeaderByParsing(codec.bytes(), starts[i], end - starts[i] - 1));
		}
		assertThat(fast).isEqualTo(parsed);
		assertThat(fast).extracting(LineFormat.Decoded::position).containsExactly(41L, 42L, 43L);
		assertThat(fast).extracting(LineFormat.Decoded::version).containsExactly(3L, 4L, 5L);
		assertThat(fast).extracting(LineFormat.Decoded::batchEnd).containsOnly(43L);
		assertThat(fast).extracting(LineFormat.Decoded::streamId).containsOnly(streamId);
	}

	@Test
	void idsAndTimestampsAreWrittenAsUuidAndInstantWriteThem() {
		java.util.SplittableRandom random = new java.util.SplittableRandom(7);
		List<java.util.UUID> ids = new ArrayList<>(List.of(new java.util.UUID(0, 0), new java.util.UUID(-1, -1),
				new java.util.UUID(0x0000000100020003L, 0x0004000000000005L)));
		for (int i = 0; i < 1_000; i++) {
			ids.add(new java.util.UUID(random.nextLong(), random.nextLong()));
		}
		LineEncoder codec = new LineEncoder();
		for (java.util.UUID id : ids) {
			Instant timestamp = Instant.ofEpochSecond(1_790_000_000L + random.nextInt(5),
					random.nextInt(1_000_000_000));
			codec.encode("s", 1, 1, List.of(NewEvent.of("E", Map.of("n", 1)).withId(id)), timestamp);
			String line = new String(codec.bytes(), 0, codec.size(), java.nio.charset.StandardCharsets.UTF_8);
			assertThat(line).contains("\"uuid\":\"" + id + "\",").contains("\"timestamp\":\"" + timestamp + "\"");
			LineFormat.Decoded event = LineDecoder.decodeEvent(codec.bytes(), 0, codec.size() - 1);
			assertThat(event.id()).isEqualTo(id);
			assertThat(event.timestamp()).isEqualTo(timestamp);
		}
	}

	@Test
	void taggedLinesReadByPositionEqualThemReadByParsing() {
		LineEncoder codec = new LineEncoder();
		List<NewEvent> batch = List.of(NewEvent.of("E", Map.of("a", 1)).withTags("sku:gold-1", "cart:7"),
				NewEvent.of("E", Map.of()).withTags("quote:\"q\"", "ünïcødé"), NewEvent.of("E", Map.of()));
		int[] starts = codec.encode("s", 1, 1, batch, Instant.parse("2026-11-24T10:00:00Z"));
		for (int i = 0; i < starts.length; i++) {
			int end = (i + 1 < starts.length) ? starts[i + 1] : codec.size();
			StoredEvent fast = LineDecoder.decodeEvent(codec.bytes(), starts[i], end - starts[i] - 1).toEvent(1 + i);
			StoredEvent parsed = LineDecoder.decodeEventByParsing(codec.bytes(), starts[i], end - starts[i] - 1)
				.toEvent(1 + i);
			assertThat(fast).isEqualTo(parsed);
			assertThat(fast.tags()).isEqualTo(batch.get(i).tags());
		}
	}

	@Test
	void tagsThatAreNotAnArrayOfStringsAreAFormatErrorNamingThem() {
		for (String tags : List.of("\"x\"", "[1]", "{}")) {
			byte[] line = ("{\"event_id\":1,\"stream_id\":\"s\",\"event_type\":\"E\",\"tags\":" + tags
					+ ",\"data\":{},\"timestamp\":\"2026-01-01T00:00:00Z\"}")
				.getBytes(java.nio.charset.StandardCharsets.UTF_8);
			assertThatExceptionOfType(LineFormat.LineFormatException.class).as(tags)
				.isThrownBy(() -> LineDecoder.decodeEventByParsing(line, 0, line.length))
				.withMessageContaining("\"tags\"");
		}
	}

	@Test
	void singleEventsCarryNoBatchEnd() {
		LineEncoder codec = new LineEncoder();
		codec.encode("s", 1, 1, List.of(NewEvent.of("E", Map.of("batch_end", 5))), Instant.EPOCH);
		LineFormat.Decoded header = LineDecoder.decodeHeader(codec.bytes(), 0, codec.size() - 1);
		assertThat(header.batchEnd()).isEqualTo(-1);
		assertThat(header).isEqualTo(LineDecoder.decodeHeaderByParsing(codec.bytes(), 0, codec.size() - 1));
	}

	@Test
	void aChangedByteFailsTheChecksumOnEitherPath() {
		LineEncoder codec = new LineEncoder();
		codec.encode("s", 1, 1, List.of(NewEvent.of("E", Map.of("n", 1))), Instant.EPOCH);
		byte[] bytes = java.util.Arrays.copyOf(codec.bytes(), codec.size());
		int digit = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).indexOf("\"n\":1") + 4;
		bytes[digit] = '2';
		assertThatExceptionOfType(LineFormat.LineFormatException.class)
			.isThrownBy(() -> LineDecoder.decodeHeader(bytes, 0, bytes.length - 1))
			.withMessageContaining("checksum mismatch");
	}

	@ParameterizedTest
	@ValueSource(strings = { "order-1", "ünïcødé ✓", "quote\"inside", "tab\there" })
	void eventReadByPositionEqualsEventReadByParsing(String streamId) {
		LineEncoder codec = new LineEncoder();
		String tricky = "x\",\"metadata\":null,\"timestamp\":\"2026-01-01T00:00:00Z\"";
		List<NewEvent> batch = List.of(NewEvent.of("Plain", Map.of("a", 1, "text", tricky)),
				NewEvent.of("WithMetadata", Map.of("b", List.of(1, 2)), Map.of("user", "ann")),
				NewEvent.of("Revised", Map.of("c", Map.of("d", "e"))).withRevision(3), NewEvent.of("Empty", Map.of()));
		int[] starts = codec.encode(streamId, 41, 3, batch, Instant.parse("2026-11-24T10:00:00.123456Z"));
		for (int i = 0; i < starts.length; i++) {
			int end = (i + 1 < starts.length) ? starts[i + 1] : codec.size();
			StoredEvent fast = LineDecoder.decodeEvent(codec.bytes(), starts[i], end - starts[i] - 1).toEvent(3 + i);
			StoredEvent parsed = LineDecoder.decodeEventByParsing(codec.bytes(), starts[i], end - starts[i] - 1)
				.toEvent(3 + i);
			assertThat(fast).isEqualTo(parsed);
			assertThat(fast.data()).isEqualTo(batch.get(i).data());
			assertThat(fast.metadata()).isEqualTo(batch.get(i).metadata());
			assertThat(fast.revision()).isEqualTo(batch.get(i).revision());
			assertThat(fast.id()).isEqualTo(batch.get(i).id());
			assertThat(fast.timestamp()).isEqualTo(Instant.parse("2026-11-24T10:00:00.123456Z"));
		}
	}

	@Test
	void timestampsInInstantFormReadFastAndExactlyAsTheFormatterWould() {
		java.util.Random random = new java.util.Random(11);
		for (int i = 0; i < 10_000; i++) {
			Instant instant = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE) * 4L,
					(i % 3 == 0) ? 0 : random.nextInt(1_000_000_000));
			if (i % 5 == 0) {
				instant = instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
			}
			assertThat(LineDecoder.parseInstantToString(instant.toString())).isEqualTo(instant);
			assertThat(LineDecoder.parseTimestamp(instant.toString())).isEqualTo(instant);
		}
		for (String other : new String[] { "2026-05-29T11:15:00.123456", "2026-05-29T11:17:00.5+02:00",
				"2026-02-30T00:00:00Z", "2026-05-29T24:00:00Z", "2026-05-29T11:15:00.Z", "20260529T111500Z" }) {
			assertThat(LineDecoder.parseInstantToString(other)).as(other).isNull();
		}
		assertThat(LineDecoder.parseTimestamp("2026-05-29T11:17:00.5+02:00"))
			.isEqualTo(Instant.parse("2026-05-29T09:17:00.5Z"));
	}

}
