package dev.eventstore.journal.file;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JournalIndexTests {

	/** A segment after 100 positions, in which stream "a" already had 5 events. */
	private final JournalIndex index = new JournalIndex(100, (streamId) -> Map.of("a", 5L).getOrDefault(streamId, 0L));

	@Test
	void aStreamsLastVersionCountsItsEventsBeforeTheFileAndInIt() {
		assertThat(this.index.lastVersion("a")).isEqualTo(5);
		assertThat(this.index.lastVersion("b")).isZero();
		this.index.add("a", 0, new int[] { 0, 10 }, 20);
		this.index.add("b", 20, new int[] { 0 }, 30);
		assertThat(this.index.lastVersion("a")).isEqualTo(7);
		assertThat(this.index.lastVersion("b")).isEqualTo(1);
		assertThat(this.index.versionOf("a", 102)).isEqualTo(7);
		assertThat(this.index.versionOf("b", 103)).isEqualTo(1);
	}

	@Test
	void addingAfterAskingAnotherStreamsVersionIndexesTheRightStream() {
		this.index.add("a", 0, new int[] { 0 }, 10);
		assertThat(this.index.lastVersion("a")).isEqualTo(6);
		// Asked for "a", then a group writes "b" first: "b" must not land in "a".
		this.index.add("b", 10, new int[] { 0 }, 20);
		this.index.add("a", 20, new int[] { 0 }, 30);
		assertThat(this.index.lastVersion("a")).isEqualTo(7);
		assertThat(this.index.lastVersion("b")).isEqualTo(1);
		assertThat(this.index.versionOf("b", 102)).isEqualTo(1);
		assertThat(this.index.versionOf("a", 103)).isEqualTo(7);
	}

	@Test
	void aStreamTruncatedAwayAndWrittenAgainStartsFromItsVersionBeforeTheFile() {
		assertThat(this.index.lastVersion("a")).isEqualTo(5);
		this.index.add("a", 0, new int[] { 0 }, 10);
		assertThat(this.index.lastVersion("a")).isEqualTo(6);
		this.index.truncate(100, 0);
		assertThat(this.index.lastVersion("a")).isEqualTo(5);
		this.index.add("a", 0, new int[] { 0 }, 10);
		assertThat(this.index.lastVersion("a")).isEqualTo(6);
		assertThat(this.index.streamVersion("a", 101)).isEqualTo(1);
		assertThat(this.index.versionOf("a", 101)).isEqualTo(6);
	}

}
