package dev.eventstore.internal;

import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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
	void aRestoredTableFindsWhatTheRecordedOneHeldAndGoesOnGrowing() {
		IdTable table = new IdTable();
		List<UUID> ids = randomIds(2_000);
		for (int i = 0; i < 1_000; i++) {
			table.add(ids.get(i), i + 1);
		}
		IdTable restored = IdTable.restore(table.slots(), table.size());
		assertThat(restored.size()).isEqualTo(1_000);
		for (int i = 1_000; i < ids.size(); i++) {
			restored.add(ids.get(i), i + 1);
		}
		for (int i = 0; i < ids.size(); i++) {
			long position = i + 1;
			assertThat(restored.find(ids.get(i), (candidate) -> candidate == position)).isEqualTo(position);
		}
		assertThat(restored.size()).isEqualTo(2_000);
	}

	@Test
	void aTableOverRecordedSlotsFindsThemWithoutCopyingAndTakesNewIdsBeside() {
		IdTable table = new IdTable();
		List<UUID> ids = randomIds(3_000);
		for (int i = 0; i < 2_000; i++) {
			table.add(ids.get(i), i + 1);
		}
		long[] recorded = table.slots();
		IdTable over = IdTable.over(LongBuffer.wrap(recorded), table.size());
		assertThat(over.slots()).as("nothing added: the recorded table as it is").isEqualTo(recorded);
		for (int i = 2_000; i < ids.size(); i++) {
			over.add(ids.get(i), i + 1);
		}
		assertThat(over.size()).isEqualTo(3_000);
		assertThat(recorded).as("the recorded slots are never written").isEqualTo(table.slots());
		IdTable merged = IdTable.restore(over.slots(), over.size());
		for (IdTable each : List.of(over, merged)) {
			for (int i = 0; i < ids.size(); i++) {
				long position = i + 1;
				assertThat(each.mayContain(ids.get(i))).isTrue();
				assertThat(each.find(ids.get(i), (candidate) -> candidate == position)).isEqualTo(position);
			}
			assertThat(each.find(UUID.randomUUID(), (candidate) -> false)).isZero();
		}
		assertThatIllegalArgumentException().isThrownBy(() -> IdTable.over(LongBuffer.allocate(1000), 1))
			.withMessageContaining("1000 slots");
	}

	@Test
	void slotsThatCannotBeATableAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> IdTable.restore(new long[1000], 10))
			.withMessageContaining("1000 slots");
		assertThatIllegalArgumentException().isThrownBy(() -> IdTable.restore(new long[1024], 1000))
			.withMessageContaining("holding 1000 ids");
		assertThatIllegalArgumentException().isThrownBy(() -> IdTable.restore(new long[1024], -1));
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

	@Test
	void mayContainIsTrueForEveryStoredIdAndFalseForAlmostEveryOther() {
		IdTable table = new IdTable();
		List<UUID> ids = randomIds(20_000);
		for (int i = 0; i < 10_000; i++) {
			table.add(ids.get(i), i + 1);
		}
		assertThat(ids.subList(0, 10_000)).allMatch(table::mayContain);
		// Another id matches a stored fingerprint with odds of about 10,000 in 2^32.
		assertThat(ids.subList(10_000, 20_000).stream().filter(table::mayContain).count()).isLessThanOrEqualTo(2);
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
