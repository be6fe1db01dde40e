package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * Keeps a segmented journal's {@code streams.summary} and {@code ids.filter} up to date
 * with its sealed segments on a thread of its own, so that sealing a segment does not
 * make appends wait for work that grows with the number of streams or of stored ids. Both
 * files are only read on open, which completes or rebuilds them, so lagging behind costs
 * nothing but that.
 *
 * <p>
 * The filter answers appends' id lookups only once this thread has checked its body (its
 * checksum; rebuilt if it fails), and only for the segments it covers: the ids of the
 * others are looked up in their indexes directly. Bits are set before the covered end is
 * published (a volatile write), so a lookup never trusts a segment whose bits are not all
 * there. Thread-safe.
 */
final class SideFiles implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(SideFiles.class.getName());

	private final Path directory;

	private final ExecutorService worker;

	/** The newest sealed segments not yet written down; older ones are skipped. */
	private final AtomicReference<@Nullable SealedSegments> pending = new AtomicReference<>();

	/** Only touched by the worker. */
	private @Nullable IdFilter filter;

	/** The check of the filter as opened, begun at open. */
	private final Future<?> initialCheck;

	/** How long the first lookups wait for the filter's check at open. */
	private static final Duration CHECK_WAIT = Duration.ofSeconds(1);

	/** The filter appends may ask, once checked; null until then or when it failed. */
	private volatile @Nullable IdFilter trusted;

	/**
	 * Starts checking the filter in the background.
	 * @param directory the journal's directory
	 * @param filter the filter as opened, its body not yet checked
	 * @param sealed the sealed segments, for a rebuild
	 */
	SideFiles(Path directory, IdFilter filter, SealedSegments sealed) {
		this.directory = directory;
		this.filter = filter;
		this.worker = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "eventstore-seal-" + directory.getFileName());
			thread.setDaemon(true);
			return thread;
		});
		this.initialCheck = this.worker.submit(() -> check(sealed));
	}

	/**
	 * The filter appends may ask; right after open, once the check begun then is done (at
	 * most {@link #CHECK_WAIT}). Asking every sealed segment's index instead would check
	 * each index's whole body first, which takes longer than checking the filter's.
	 */
	@Nullable IdFilter filterForLookup() {
		IdFilter current = this.trusted;
		if (current != null || this.initialCheck.isDone()) {
			return current;
		}
		try {
			this.initialCheck.get(CHECK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// Asked the long way: every segment's index.
		}
		return this.trusted;
	}

	/** Queues a task behind the side files' work: tests hold the worker up with it. */
	void enqueue(Runnable task) {
		this.worker.execute(task);
	}

	/** The filter appends may ask, or null when every segment must be asked. */
	@Nullable IdFilter filter() {
		return this.trusted;
	}

	/** Records a newly sealed segment, in the background. Called under the write lock. */
	void sealed(SealedSegments sealed) {
		this.pending.set(sealed);
		try {
			this.worker.execute(this::catchUp);
		}
		catch (RejectedExecutionException ex) {
			// Closing: the next open completes both files.
		}
	}

	private void check(SealedSegments sealed) {
		IdFilter current = this.filter;
		if (current == null) {
			return;
		}
		if (!current.verify()) {
			logger.log(Level.WARNING, "The id filter of {0} is damaged; rebuilding it from the segments'' indexes",
					this.directory);
			rebuild(current, sealed);
			return;
		}
		this.trusted = current;
	}

	private void catchUp() {
		SealedSegments sealed = this.pending.getAndSet(null);
		if (sealed == null) {
			return;
		}
		try {
			sealed.streams().save(this.directory);
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.WARNING,
					"Could not save the streams' summary of " + this.directory + "; it is rebuilt on open", ex);
		}
		IdFilter current = this.filter;
		if (current == null) {
			return;
		}
		try {
			long missing = sealed.lastPosition() - (current.end() - 1);
			if (current.full(missing) || !current.verify()) {
				rebuild(current, sealed);
				return;
			}
			for (int i = 0; i < sealed.count(); i++) {
				if (sealed.first(i) >= current.end()) {
					current.add(sealed.index(i));
				}
			}
			this.trusted = current;
		}
		catch (RuntimeException ex) {
			give(current, ex);
		}
	}

	private void rebuild(IdFilter current, SealedSegments sealed) {
		this.trusted = null;
		try {
			current.close();
			IdFilter rebuilt = IdFilter.rebuild(this.directory, sealed);
			this.filter = rebuilt;
			this.trusted = rebuilt;
		}
		catch (IOException | RuntimeException ex) {
			give(current, ex);
		}
	}

	private void give(IdFilter current, Exception failure) {
		this.trusted = null;
		this.filter = null;
		try {
			current.close();
		}
		catch (IOException ex) {
			failure.addSuppressed(ex);
		}
		logger.log(Level.WARNING, "Could not keep the id filter of " + this.directory
				+ " up to date; until it is reopened, appends look for their ids in every segment", failure);
	}

	/** Finishes what is queued (at most 30 seconds), then closes the filter. */
	@Override
	public void close() throws IOException {
		this.worker.shutdown();
		try {
			if (!this.worker.awaitTermination(30, TimeUnit.SECONDS)) {
				logger.log(Level.WARNING, "Journal {0}: side files still being written at close; they are "
						+ "completed on the next open", this.directory);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.trusted = null;
		IdFilter current = this.filter;
		if (current != null) {
			current.close();
		}
	}

}
