package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import dev.eventstore.FsyncPolicy;
import dev.eventstore.internal.IdTable;
import org.jspecify.annotations.Nullable;

/**
 * Seals a segmented journal's full last segment and starts the next: forces it, writes
 * and verifies its index, creates the next segment, and hands back the layout that reads
 * both. A failure leaves everything as it was (appends go on into the same segment); a
 * crash at any step is repaired on open. Runs under the journal's write lock, after a
 * group, so that batches never span segments.
 */
final class SegmentRoller {

	private static final System.Logger logger = System.getLogger(SegmentRoller.class.getName());

	private final Path directory;

	private final FsyncPolicy fsync;

	private final JournalWriter.Opener opener;

	private final DecodedEvents decoded;

	private final Runnable ensureOpen;

	SegmentRoller(Path directory, FsyncPolicy fsync, JournalWriter.Opener opener, DecodedEvents decoded,
			Runnable ensureOpen) {
		this.directory = directory;
		this.fsync = fsync;
		this.opener = opener;
		this.decoded = decoded;
		this.ensureOpen = ensureOpen;
	}

	/** The file being written, as sealing needs it. */
	record Active(JournalLayout layout, IdTable ids, Path path, long legacyEnd, long end, long nextPosition) {
	}

	/**
	 * What follows a seal: the layout with the sealed segment, the next one's parts, and
	 * the sealed segment's fingerprint.
	 */
	record Rolled(JournalLayout layout, IdTable ids, Path path, int fingerprint) {
	}

	/**
	 * Seals the active segment and moves the writer to the next one.
	 * @return the new layout, or null when there was nothing to seal or sealing failed
	 * (logged; the caller tries again later)
	 */
	@Nullable Rolled roll(Active active, ActiveWriter writer) {
		JournalLayout current = active.layout();
		if (current.index().count() == 0) {
			return null;
		}
		JournalWriter next = null;
		FileChannel nextChannel = null;
		try {
			if (this.fsync != FsyncPolicy.ALWAYS) {
				writer.forceForSeal();
			}
			int fingerprint = SegmentIndex.write(active.path(), current.index(), active.ids(),
					current.sealed().streams()::version, active.legacyEnd());
			SegmentIndex index = SegmentIndex.open(active.path(), current.index().base() + 1, active.end(),
					fingerprint);
			if (index == null || !index.verify()) {
				throw new IOException("the index just written does not read back");
			}
			Path nextPath = Segments.create(this.directory, active.nextPosition());
			next = this.opener.open(nextPath, 0);
			nextChannel = FileChannel.open(nextPath, StandardOpenOption.READ);
			current.file().mapAll();
			SealedSegments sealed = current.sealed()
				.with(active.path(), index, current.file(), this.decoded, this.ensureOpen);
			JournalIndex nextIndex = new JournalIndex(active.nextPosition() - 1, sealed.streams()::version);
			SegmentFile nextFile = new SegmentFile(nextPath, nextChannel, 0, this.ensureOpen);
			JournalWriter previous = writer.replace(next);
			try {
				previous.close();
			}
			catch (IOException ex) {
				logger.log(Level.WARNING, "Could not close the writer of sealed segment " + current.file().path(), ex);
			}
			// The next segment takes about as many events as this one did.
			return new Rolled(
					new JournalLayout(sealed, nextIndex, nextFile,
							new JournalReads(nextFile, nextIndex, 0, this.decoded)),
					new IdTable((int) current.index().count()), nextPath, fingerprint);
		}
		catch (IOException | RuntimeException ex) {
			List<AutoCloseable> opened = new ArrayList<>();
			if (next != null) {
				opened.add(next);
			}
			if (nextChannel != null) {
				opened.add(nextChannel);
			}
			Resources.closeQuietly(opened, ex);
			logger.log(Level.ERROR, "Could not seal segment " + active.path()
					+ "; appends go on into it and sealing is tried again later", ex);
			return null;
		}
	}

}
