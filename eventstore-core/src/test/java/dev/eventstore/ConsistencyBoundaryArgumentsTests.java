package dev.eventstore;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Bad arguments to queries, conditions and reads by query: refused, naming the problem.
 */
class ConsistencyBoundaryArgumentsTests {

	@Test
	void queriesRefuseMissingOrBlankParts() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventQuery.of(null, List.of()))
			.withMessageContaining("lists of types and tags");
		assertThatIllegalArgumentException().isThrownBy(() -> EventQuery.of(List.of(), Arrays.asList("a", null)))
			.withMessage("An event query's tag must not be null or blank");
		assertThatIllegalArgumentException().isThrownBy(() -> EventQuery.ofTypes("A").or(null))
			.withMessageContaining("must not be null");
		assertThat(EventQuery.ofTypes("A").or(EventQuery.all())).isEqualTo(EventQuery.all());
		assertThat(EventQuery.ofTypes("A").or(EventQuery.ofTypes("A"))).isEqualTo(EventQuery.ofTypes("A"));
	}

	@Test
	void conditionsAndResultsRefuseImpossibleValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> AppendCondition.failIfEventsMatch(null))
			.withMessageContaining("needs a query");
		assertThatIllegalArgumentException().isThrownBy(() -> AppendCondition.failIfEventsMatch(EventQuery.all(), -1))
			.withMessageContaining(">= 0, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new QueryResult(List.of(), -1))
			.withMessageContaining(">= 0, was -1");
	}

	@Test
	void readsByQueryAndConditionalAppendsRefuseBadArgumentsAndWriteNothing() {
		try (EventStore store = EventStore.inMemory()) {
			assertThatIllegalArgumentException().isThrownBy(() -> store.read(null))
				.withMessageContaining("Query must not be null");
			assertThatIllegalArgumentException().isThrownBy(() -> store.read(EventQuery.all(), 0, 10))
				.withMessageContaining("fromPosition must be >= 1");
			assertThatIllegalArgumentException().isThrownBy(() -> store.read(EventQuery.all(), 1, -1))
				.withMessageContaining("maxCount >= 0");
			assertThatIllegalArgumentException()
				.isThrownBy(
						() -> store.appendBatch("s", List.of(NewEvent.of("E", Map.of())), ExpectedVersion.any(), null))
				.withMessage("Append condition must not be null");
			assertThat(store.lastPosition()).isZero();
		}
	}

}
