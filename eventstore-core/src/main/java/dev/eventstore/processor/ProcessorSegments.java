package dev.eventstore.processor;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Which segment of a processor an event belongs to: the CRC-32C (Castagnoli, as
 * {@link CRC32C}) of its stream id's UTF-8 bytes, as an unsigned number, modulo the
 * number of segments. Every event of one stream is in one segment, so one worker at a
 * time handles a stream, in stream order. The hash is part of the on-disk contract (each
 * segment's checkpoint and parked events depend on it) and never changes.
 *
 * @since 0.2.0
 */
public final class ProcessorSegments {

	/** The most segments a processor may have. */
	public static final int MAX = 256;

	private ProcessorSegments() {
	}

	/**
	 * The segment of a stream.
	 * @param streamId the stream's id
	 * @param segments how many segments, 1 to {@value #MAX}
	 * @return the segment, from 0 to {@code segments - 1}
	 * @throws IllegalArgumentException if the segment count is out of range
	 */
	public static int of(String streamId, int segments) {
		requireCount(segments);
		if (segments == 1) {
			return 0;
		}
		CRC32C crc = new CRC32C();
		crc.update(streamId.getBytes(StandardCharsets.UTF_8));
		return (int) (crc.getValue() % segments);
	}

	static int requireCount(int segments) {
		if (segments < 1 || segments > MAX) {
			throw new IllegalArgumentException("A processor has 1 to " + MAX + " segments, was " + segments);
		}
		return segments;
	}

	/**
	 * The name a segment's checkpoint, parked events and ownership are kept under: the
	 * processor's name for a processor of one segment (as before segments existed),
	 * {@code <name>.segment-<k>-of-<n>} otherwise.
	 */
	static String key(String processor, int segment, int segments) {
		return (segments == 1) ? processor : processor + ".segment-" + segment + "-of-" + segments;
	}

}
