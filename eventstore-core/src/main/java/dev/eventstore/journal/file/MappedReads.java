package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.StampedLock;

import org.jspecify.annotations.Nullable;

/**
 * Reads a journal's committed bytes through read-only memory maps, so that reading the
 * scattered lines of one stream costs no system call per line. Only bytes below what was
 * mapped are served, and the journal never cuts a file below what it committed, so a map
 * never sees a page vanish. The file is mapped in windows of up to 1 GiB (one Java
 * buffer's reach); a line across two windows, or beyond the mapped end, is left to the
 * caller's positional read.
 *
 * <p>
 * Maps are released on {@link #close()}, not at some later garbage collection: a deleted
 * journal frees its space and its file system unmounts at once. Java 17 has no public way
 * to unmap, so this uses {@code sun.misc.Unsafe#invokeCleaner} (as Lucene's
 * {@code MMapDirectory} did before Java 21), reached reflectively; where it is missing
 * the journal does not map at all. Thread-safe: reads hold a read stamp of a lock that
 * close takes for writing before it unmaps, so no read ever touches an unmapped page.
 */
final class MappedReads implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(MappedReads.class.getName());

	static final int WINDOW = 1 << 30;

	/**
	 * Remap once the unmapped tail is this large: remapping costs a few system calls, a
	 * line read without the map one.
	 */
	static final long REMAP_AFTER = 1L << 20;

	private static final @Nullable MethodHandle unmapper = findUnmapper();

	private final Path path;

	private final StampedLock lock = new StampedLock();

	private volatile Windows windows = new Windows(new ByteBuffer[0], 0);

	/** Guarded by the lock's write side. */
	private boolean closed;

	private volatile boolean failed = (unmapper == null);

	MappedReads(Path path) {
		this.path = path;
	}

	/**
	 * Copies a range into {@code target} if it lies within one mapped window.
	 * @return whether it did; if not, the caller reads the file itself
	 */
	boolean read(long offset, byte[] target, int length) {
		long stamp = this.lock.readLock();
		try {
			Windows current = this.windows;
			if (offset + length > current.end) {
				return false;
			}
			ByteBuffer window = current.buffers[(int) (offset / WINDOW)];
			int within = (int) (offset % WINDOW);
			if (within + length > window.capacity()) {
				return false;
			}
			window.get(within, target, 0, length);
			return true;
		}
		finally {
			this.lock.unlockRead(stamp);
		}
	}

	/** The end of what is mapped. */
	long end() {
		return this.windows.end;
	}

	/**
	 * Maps the file up to {@code size}, the journal's committed end; gives up quietly
	 * (reads then go through the channel) where the platform cannot map it.
	 */
	void mapTo(long size) {
		long stamp = this.lock.writeLock();
		try {
			Windows current = this.windows;
			if (this.failed || this.closed || size <= current.end) {
				return;
			}
			int count = (int) ((size + WINDOW - 1) / WINDOW);
			ByteBuffer[] buffers = Arrays.copyOf(current.buffers, count);
			List<ByteBuffer> replaced = new ArrayList<>();
			try (FileChannel channel = FileChannel.open(this.path, StandardOpenOption.READ)) {
				// Full windows stay mapped; the last partial one and new ones are mapped
				// again at their new length.
				for (int i = (int) (current.end / WINDOW); i < count; i++) {
					long start = (long) i * WINDOW;
					if (i < current.buffers.length) {
						replaced.add(current.buffers[i]);
					}
					buffers[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(WINDOW, size - start));
				}
			}
			catch (IOException | UnsupportedOperationException ex) {
				this.failed = true;
				logger.log(Level.INFO, "Cannot map journal " + this.path + " for reading; reading it with system calls",
						ex);
				return;
			}
			this.windows = new Windows(buffers, size);
			// No reader holds the old windows: this thread holds the write lock.
			replaced.forEach(this::unmap);
		}
		finally {
			this.lock.unlockWrite(stamp);
		}
	}

	/** Unmaps everything, once no read is in progress. Idempotent. */
	@Override
	public void close() {
		long stamp = this.lock.writeLock();
		try {
			this.closed = true;
			ByteBuffer[] buffers = this.windows.buffers;
			this.windows = new Windows(new ByteBuffer[0], 0);
			for (ByteBuffer buffer : buffers) {
				unmap(buffer);
			}
		}
		finally {
			this.lock.unlockWrite(stamp);
		}
	}

	private void unmap(ByteBuffer buffer) {
		unmap(buffer, this.path);
	}

	/** Releases a mapped buffer at once; no one may touch it afterwards. */
	static void unmap(ByteBuffer buffer, Path path) {
		if (unmapper == null) {
			return;
		}
		try {
			unmapper.invokeExact(buffer);
		}
		catch (Throwable ex) {
			logger.log(Level.WARNING, "Could not unmap " + path + "; the collector will", ex);
		}
	}

	private static @Nullable MethodHandle findUnmapper() {
		try {
			Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
			Field field = unsafeClass.getDeclaredField("theUnsafe");
			field.setAccessible(true);
			Object unsafe = field.get(null);
			return MethodHandles.lookup()
				.findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
				.bindTo(unsafe);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.log(Level.INFO, "No way to unmap files on this JVM; journals are read with system calls", ex);
			return null;
		}
	}

	/** Mapped windows and where the mapped bytes end; immutable once published. */
	private record Windows(ByteBuffer[] buffers, long end) {
	}

}
