package dev.eventstore.journal.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import dev.eventstore.EventQuery;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class QueryIndexTests {

	private static final List<String> TYPES = List.of("A", "B", "C", "D");

	private static final List<String> TAGS = List.of("t:1", "t:2", "t:3", "u:1", "u:2", "rare");

	/**
	 * Random logs and random queries: the index answers every one exactly as filtering
	 * the log does, for every window and limit.
	 */
	@Test
	void answersEveryQueryAsAScanOfTheLogDoes() {
		Random random = new Random(28);
		for (int run = 0; run < 50; run++) {
			QueryIndex index = new QueryIndex();
			List<String> types = new ArrayList<>();
			List<Set<String>> tags = new ArrayList<>();
			int events = 1 + random.nextInt(400);
			for (int position = 1; position <= events; position++) {
				String type = TYPES.get(random.nextInt(TYPES.size()));
				Set<String> eventTags = new LinkedHashSet<>();
				for (String tag : TAGS) {
					if (random.nextInt(tag.equals("rare") ? 50 : 3) == 0) {
						eventTags.add(tag);
					}
				}
				index.add(position, type, eventTags);
				types.add(type);
				tags.add(eventTags);
			}
			for (int q = 0; q < 40; q++) {
				EventQuery query = randomQuery(random);
				long after = random.nextInt(events + 1);
				long upTo = after + random.nextInt(events + 1);
				int limit = 1 + random.nextInt(20);
				List<Long> expected = new ArrayList<>();
				for (long position = after + 1; position <= Math.min(upTo, events)
						&& expected.size() < limit; position++) {
					if (query.matches(types.get((int) position - 1), tags.get((int) position - 1))) {
						expected.add(position);
					}
				}
				List<Long> found = new ArrayList<>();
				for (long position : index.matching(query, after, upTo, limit)) {
					found.add(position);
				}
				assertThat(found).as("%s after %d up to %d, limit %d", query, after, upTo, limit).isEqualTo(expected);
			}
		}
	}

	private static EventQuery randomQuery(Random random) {
		EventQuery query = randomItem(random);
		for (int i = random.nextInt(3); i > 0; i--) {
			query = query.or(randomItem(random));
		}
		return query;
	}

	private static EventQuery randomItem(Random random) {
		List<String> types = new ArrayList<>();
		for (String type : TYPES) {
			if (random.nextInt(4) == 0) {
				types.add(type);
			}
		}
		List<String> tags = new ArrayList<>();
		for (String tag : TAGS) {
			if (random.nextInt(4) == 0) {
				tags.add(tag);
			}
		}
		if (random.nextInt(10) == 0) {
			tags.add("unknown");
		}
		return EventQuery.of(types, tags);
	}

	@Test
	void aPositionOutsideTheRangeOfFourByteOffsetsIsRefusedNamingIt() {
		QueryIndex index = new QueryIndex(1_000);
		assertThatIllegalStateException().isThrownBy(() -> index.add(1_000, "T", Set.of()))
			.withMessageContaining("Position 1000 is outside the range")
			.withMessageContaining("(1000, 2147484647]");
		assertThatIllegalStateException().isThrownBy(() -> index.add(1_000L + Integer.MAX_VALUE + 1, "T", Set.of()))
			.withMessageContaining("outside the range");
		index.add(1_000L + Integer.MAX_VALUE, "T", Set.of("t"));
		assertThat(index.matching(EventQuery.ofTags("t"), 0, Long.MAX_VALUE, 10))
			.containsExactly(1_000L + Integer.MAX_VALUE);
	}

}
