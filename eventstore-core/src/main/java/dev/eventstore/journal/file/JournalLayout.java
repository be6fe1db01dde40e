package dev.eventstore.journal.file;

import java.util.ArrayList;
import java.util.List;

import dev.eventstore.StoredEvent;
import dev.eventstore.journal.support.StreamPages;
import org.jspecify.annotations.Nullable;

/**
 * What a file journal reads from at one moment: the sealed segments, and the file being
 * written with its index and reads. Immutable: sealing a segment publishes a new one, so
 * a reader always sees a segment either sealed or being written, never both or neither.
 * Reads are bounded by the committed position the caller took before the layout.
 * Thread-safe.
 *
 * @param sealed the sealed segments
 * @param index the index of the file being written
 * @param file the file being written
 * @param reads the reads of the file being written
 */
record JournalLayout(SealedSegments sealed, JournalIndex index, SegmentFile file, JournalReads reads) {

	List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount, long committed) {
		List<StoredEvent> events = new ArrayList<>(Math.min(maxCount, 1024));
		long sealedVersion = this.sealed.streams().version(streamId);
		long from = fromVersion;
		int remaining = maxCount;
		if (from <= sealedVersion) {
			remaining -= this.sealed.readStream(streamId, from, remaining, events);
			from = sealedVersion + 1;
		}
		if (remaining > 0) {
			long[] positions = this.index.streamPositions(streamId, from - sealedVersion, remaining, committed);
			this.reads.readStream(positions, from, events);
		}
		return events;
	}

	List<StoredEvent> readAll(long fromPosition, int maxCount, long committed) {
		long last = Math.min(committed, fromPosition + maxCount - 1);
		List<StoredEvent> events = new ArrayList<>(
				(int) Math.max(0, Math.min(JournalReads.READ_CHUNK, last - fromPosition + 1)));
		long base = this.index.base();
		if (fromPosition <= base && fromPosition <= last) {
			this.sealed.readAll(fromPosition, Math.min(last, base), events);
		}
		if (last > base) {
			this.reads.readAll(Math.max(fromPosition, base + 1), last, events);
		}
		return events;
	}

	List<String> streamIds(String prefix, @Nullable String after, int limit, long committed) {
		StreamPages page = new StreamPages(prefix, after, limit);
		SealedStreams sealedStreams = this.sealed.streams();
		sealedStreams.forEachId(page::offer);
		this.index.streamIds(page::offer, committed, (streamId) -> !sealedStreams.contains(streamId));
		return page.page();
	}

	long streamCount() {
		SealedStreams sealedStreams = this.sealed.streams();
		return sealedStreams.size() + this.index.streamCount((streamId) -> !sealedStreams.contains(streamId));
	}

	long streamVersion(String streamId, long committed) {
		return this.sealed.streams().version(streamId) + this.index.streamVersion(streamId, committed);
	}

}
