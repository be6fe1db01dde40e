package dev.eventstore.journal.file;

/**
 * Where the lines of one journal file lie: the in-memory index of the file being written
 * ({@link JournalIndex}) or the on-disk index of a sealed segment ({@link SegmentIndex}).
 * Positions are the journal's, offsets the file's.
 */
interface LineIndex {

	/**
	 * File ranges of the given positions: {@code ranges[2i]} is where the line of
	 * {@code positions[i]} starts, {@code ranges[2i + 1]} where it ends (its newline
	 * included).
	 */
	long[] ranges(long[] positions);

	/** The file range holding positions {@code from} to {@code to}, both inclusive. */
	long[] range(long from, long to);

	/**
	 * The version of the event at {@code position} within its stream, for lines of the
	 * original format, which do not carry it.
	 */
	long versionOf(String streamId, long position);

}
