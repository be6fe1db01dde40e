package dev.eventstore.journal.file;

import java.util.List;

import dev.eventstore.JournalCorruptedException;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.file.LineFormat.LineFormatException;
import org.jspecify.annotations.Nullable;

/**
 * Reads of one journal file's committed events: finds their lines through its index,
 * reads adjacent lines with one call, and decodes them, checking each line is the
 * position the index says and carries its checksum. Thread-safe.
 */
final class JournalReads {

	/** Lines read with one call at most. */
	static final int READ_CHUNK = 1024;

	/**
	 * Bytes read with one call at most, so that large events never overflow one array and
	 * a read never holds more than this at once.
	 */
	private static final int MAX_READ_BYTES = 4 * 1024 * 1024;

	private final SegmentFile file;

	private final LineIndex index;

	/**
	 * The last position of the leading lines in the original Python format: the only
	 * lines read without a checksum.
	 */
	private final long legacyEnd;

	/** The events stream reads decoded lately, shared by the journal's files. */
	private final DecodedEvents decoded;

	/**
	 * @param file the file's bytes
	 * @param index its index
	 * @param legacyEnd the last position of lines in the original format
	 * @param decoded the journal's events decoded lately
	 */
	JournalReads(SegmentFile file, LineIndex index, long legacyEnd, DecodedEvents decoded) {
		this.file = file;
		this.index = index;
		this.legacyEnd = legacyEnd;
		this.decoded = decoded;
	}

	/**
	 * Events of one stream at the given positions, whose versions are
	 * {@code firstVersion} and on: those decoded lately from memory, the others from the
	 * file.
	 */
	void readStream(long[] positions, long firstVersion, List<StoredEvent> events) {
		readStream(positions, null, firstVersion, events);
	}

	/**
	 * The same, with the lines' ranges known ({@link LineIndex#ranges}), or null to look
	 * them up.
	 */
	void readStream(long[] positions, long @Nullable [] knownRanges, long firstVersion, List<StoredEvent> events) {
		long[] ranges = knownRanges;
		int i = 0;
		while (i < positions.length) {
			StoredEvent known = this.decoded.get(positions[i]);
			if (known != null) {
				events.add(known.view());
				i++;
				continue;
			}
			if (ranges == null) {
				ranges = this.index.ranges(positions);
			}
			// Read runs of adjacent lines not decoded lately with one call.
			int j = i;
			while (j + 1 < positions.length && ranges[2 * (j + 1)] == ranges[2 * j + 1] && j - i < READ_CHUNK
					&& ranges[2 * (j + 1) + 1] - ranges[2 * i] <= MAX_READ_BYTES
					&& this.decoded.get(positions[j + 1]) == null) {
				j++;
			}
			long start = ranges[2 * i];
			byte[] bytes = this.file.read(start, (int) (ranges[2 * j + 1] - start));
			int lineStart = 0;
			for (int k = i; k <= j; k++) {
				int length = (int) (ranges[2 * k + 1] - ranges[2 * k]);
				StoredEvent event = decode(bytes, lineStart, length, start + lineStart, positions[k], firstVersion + k);
				this.decoded.put(event);
				events.add(event.view());
				lineStart += length;
			}
			i = j + 1;
		}
	}

	/** The events of positions {@code first} to {@code last}, all in this file. */
	void readAll(long first, long last, List<StoredEvent> events) {
		for (long from = first, to; from <= last; from = to + 1) {
			to = Math.min(last, from + READ_CHUNK - 1);
			long[] range = this.index.range(from, to);
			while (range[1] - range[0] > MAX_READ_BYTES && to > from) {
				to = from + (to - from) / 2;
				range = this.index.range(from, to);
			}
			byte[] bytes = this.file.read(range[0], (int) (range[1] - range[0]));
			int lineStart = 0;
			long position = from;
			while (position <= to) {
				int newline = lineStart;
				while (bytes[newline] != '\n') {
					newline++;
				}
				if (!isBlank(bytes, lineStart, newline)) {
					events.add(decode(bytes, lineStart, newline - lineStart + 1, range[0] + lineStart, position, -1));
					position++;
				}
				lineStart = newline + 1;
			}
		}
	}

	private static boolean isBlank(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
				return false;
			}
		}
		return true;
	}

	/**
	 * Decodes one line (its newline included) that the index says holds {@code position}.
	 */
	private StoredEvent decode(byte[] bytes, int offset, int lengthWithNewline, long fileOffset, long position,
			long knownVersion) {
		LineFormat.Decoded line;
		try {
			line = LineDecoder.decodeEvent(bytes, offset, lengthWithNewline - 1);
		}
		catch (LineFormatException ex) {
			throw new JournalCorruptedException(this.file.path(), 0, fileOffset,
					"the line of position " + position + " no longer reads back: " + ex.getMessage());
		}
		if (line.position() != position) {
			throw new JournalCorruptedException(this.file.path(), 0, fileOffset,
					"expected position " + position + " but the line holds event_id " + line.position());
		}
		if (!line.checksummed() && position > this.legacyEnd) {
			throw new JournalCorruptedException(this.file.path(), 0, fileOffset,
					"the line of position " + position
							+ " has lost its checksum; only lines of the original format before position "
							+ (this.legacyEnd + 1) + " are read without one");
		}
		long version = (knownVersion > 0) ? knownVersion
				: (line.version() > 0) ? line.version() : this.index.versionOf(line.streamId(), position);
		return line.toEvent(version);
	}

}
