package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.eventstore.EventStoreException;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.internal.DurableFiles;
import org.jspecify.annotations.Nullable;

/**
 * Tells a lost segment from a crash. Only the last segment can be cut short by a crash,
 * and the next one begins only after it was sealed; so when the streams' summary or the
 * id filter (both written after the next segment was created) record sealed segments
 * reaching past the start of the last segment on disk, segments holding acknowledged
 * events were deleted or lost. The open is refused, naming them, before anything is
 * rewritten to match what is left; an operator may accept the loss
 * ({@link JournalFiles#acceptMissingSegments(Path)}).
 */
final class MissingSegments {

	static final String ACCEPT_OPTION = "--accept-missing-segments";

	private MissingSegments() {
	}

	/**
	 * Refuses a journal whose side files record segments that are not there.
	 * @param directory the journal's directory
	 * @param last the last segment on disk
	 * @param summary the streams' summary, null if missing or damaged
	 * @param journal the journal's id
	 * @throws JournalCorruptedException naming the missing segments
	 */
	static void refuse(Path directory, Segments.Listed last, @Nullable SealedStreams summary, UUID journal) {
		String missing = missing(directory, last, summary, journal);
		if (missing != null) {
			throw new JournalCorruptedException(directory, 0, 0, missing + ". Nothing was changed. Put the "
					+ "segments back from a backup, or accept that their events are lost with: eventstore repair "
					+ directory + " " + ACCEPT_OPTION);
		}
	}

	/** What is missing, or null when nothing is. */
	private static @Nullable String missing(Path directory, Segments.Listed last, @Nullable SealedStreams summary,
			UUID journal) {
		long summaryEnd = (summary != null) ? summary.end() : 0;
		// The filter is asked only without a summary: one more file read on every open
		// otherwise, for the rare case of a summary that could not be saved.
		long filterEnd = (summary == null) ? IdFilter.recordedEnd(directory, journal) : 0;
		long recordedEnd = Math.max(summaryEnd, filterEnd);
		if (recordedEnd <= last.first()) {
			return null;
		}
		List<Long> firsts = new ArrayList<>();
		if (summary != null) {
			for (int i = 0; i < summary.segments(); i++) {
				if (summary.first(i) > last.first()) {
					firsts.add(summary.first(i));
				}
			}
		}
		firsts.add(recordedEnd);
		List<String> names = firsts.stream()
			.map((first) -> Segments.segmentPath(directory, first).getFileName().toString())
			.toList();
		String recordedBy = (summaryEnd >= filterEnd) ? SealedStreams.FILE : IdFilter.FILE;
		return "Journal " + directory + " is missing committed events: " + recordedBy + " records segments "
				+ "sealed up to position " + (recordedEnd - 1) + " and a segment after them, but the last segment "
				+ "there, " + last.path().getFileName() + ", begins at position " + last.first() + "; missing: "
				+ String.join(", ", names) + (names.size() > 1 ? "" : " (and any after it)");
	}

	/**
	 * Accepts the loss: moves the summary and the filter aside (kept beside the journal's
	 * directory as {@code <file>.missing-<time>}), so that the next open rebuilds them
	 * from the segments that are there. The caller holds the journal's lock.
	 * @param directory the journal's directory
	 * @param last the last segment on disk
	 * @return what was missing
	 * @throws EventStoreException if nothing is missing
	 */
	static String accept(Path directory, Segments.Listed last) throws IOException {
		UUID journal = JournalIdentity.read(directory);
		String missing = (journal != null) ? missing(directory, last, SealedStreams.load(directory, journal), journal)
				: null;
		if (missing == null) {
			throw new EventStoreException("Journal " + directory + " is missing no segment its streams' summary "
					+ "and id filter know of; nothing to accept");
		}
		String time = CutBytes.TIME.format(Instant.now());
		for (String name : List.of(SealedStreams.FILE, IdFilter.FILE)) {
			Path file = directory.resolve(name);
			if (Files.exists(file)) {
				Path kept = directory.resolveSibling(directory.getFileName() + "." + name + ".missing-" + time);
				Files.move(file, kept, StandardCopyOption.ATOMIC_MOVE);
			}
		}
		DurableFiles.forceDirectory(directory);
		DurableFiles.forceDirectory(directory.getParent());
		return missing;
	}

}
