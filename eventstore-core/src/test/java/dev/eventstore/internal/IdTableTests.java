package dev.eventstore.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdTableTests {

	@Test
	void aTableSizedForItsIdsTakesThemWithoutGrowingAndFindsEach() {
		IdTable table = new IdTable(10_000);
		int length = table.slots().length;
		int room = (int) (length * 0.75);
		assertThat(room).isGreaterThanOrEqualTo(10_000).isLessThan(20_000);
		List<UUID> ids = randomIds(room + 1);
		for (int i = 0; i < room; i++) {
			table.add(ids.get(i), i + 1);
		}
		assertThat(table.slots()).hasSize(length);
		table.add(ids.get(room), room + 1);
		assertThat(table.slots()).hasSize(length * 2);
		for (int i = 0; i < ids.size(); i++) {
			long position = i + 1;
			assertThat(table.find(ids.get(i), (candidate) -> candidate == position)).isEqualTo(position);
		}
	}

	@Test
	void anUnsizedTableGrowsAsItFillsAndLosesNoId() {
		IdTable table = new IdTable();
		assertThat(table.slots()).hasSize(1024);
		List<UUID> ids = randomIds(5_000);
		for (int i = 0; i < ids.size(); i++) {
			table.add(ids.get(i), i + 1);
		}
		assertThat(table.slots().length).isGreaterThanOrEqualTo(8192);
		for (int i = 0; i < ids.size(); i++) {
			long position = i + 1;
			assertThat(table.find(ids.get(i), (candidate) -> candidate == position)).isEqualTo(position);
		}
		assertThat(table.find(new UUID(7, 7), (candidate) -> false)).isZero();
	}

	private static List<UUID> randomIds(int count) {
		SplittableRandom random = new SplittableRandom(7);
		List<UUID> ids = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			ids.add(new UUID(random.nextLong(), random.nextLong()));
		}
		return ids;
	}

}
