package dev.eventstore.internal;

import java.nio.LongBuffer;
import java.util.UUID;
import java.util.function.IntToLongFunction;
import java.util.function.LongPredicate;

import org.jspecify.annotations.Nullable;

/**
 * Where each event id is stored, without keeping the ids: an open-addressing table of
 * 64-bit slots, each a 32-bit fingerprint of an id and the 32-bit position of its event.
 * A lookup yields the positions whose fingerprint matches, and the caller reads those
 * lines to compare the whole id, so a fingerprint collision costs one read, never a wrong
 * answer. At most 3/4 full, it takes 11 to 22 bytes an event. Not thread-safe: the
 * journal guards it with its write lock.
 *
 * @since 0.2.0
 */
public final class IdTable {

	private static final float MAX_LOAD = 0.75f;

	private long[] slots;

	private int size;

	/**
	 * A table recorded earlier and read where it lies (memory-mapped), never changed: its
	 * ids are looked up there, and new ones go to {@link #slots}. Null for most tables.
	 */
	private @Nullable LongBuffer recorded;

	private int recordedSize;

	/** An empty table. */
	public IdTable() {
		this(0);
	}

	/**
	 * An empty table with room for this many ids before it grows: a table that grows from
	 * empty rehashes every id it holds at each doubling.
	 * @param expectedIds how many ids it is expected to take
	 */
	public IdTable(int expectedIds) {
		int length = 1024;
		while (length * MAX_LOAD < expectedIds && length < (1 << 30)) {
			length *= 2;
		}
		this.slots = new long[length];
	}

	/**
	 * Records where an id is stored.
	 * @param id the event's id
	 * @param position its position, below 2^32
	 */
	public void add(UUID id, long position) {
		if (this.size + 1 > this.slots.length * MAX_LOAD) {
			grow();
		}
		insert(this.slots, (((long) fingerprint(id)) << 32) | position);
		this.size++;
	}

	/**
	 * Offers each position whose fingerprint matches the id's, until the test accepts
	 * one.
	 * @param id the id looked for
	 * @param isIt reads the line at a position and tells whether it holds the id
	 * @return the accepted position, or 0 when none
	 */
	public long find(UUID id, LongPredicate isIt) {
		long[] table = this.slots;
		long found = find(id, table.length, (i) -> table[i], isIt);
		LongBuffer base = this.recorded;
		return (found != 0 || base == null) ? found : find(id, base.limit(), base::get, isIt);
	}

	/**
	 * Whether the table holds a position whose fingerprint matches the id's: when not,
	 * the id is certainly not stored here. One probe, no line read.
	 * @param id the id looked for
	 * @return whether {@link #find} may accept a position for it
	 */
	public boolean mayContain(UUID id) {
		LongBuffer base = this.recorded;
		if (base != null && mayContain(fingerprint(id), base.limit(), base::get)) {
			return true;
		}
		int fingerprint = fingerprint(id);
		long[] table = this.slots;
		int mask = table.length - 1;
		for (int i = slot(fingerprint, mask);; i = (i + 1) & mask) {
			long entry = table[i];
			if (entry == 0) {
				return false;
			}
			if ((int) (entry >>> 32) == fingerprint) {
				return true;
			}
		}
	}

	/**
	 * Looks an id up in a table of this layout kept elsewhere (a sealed segment's on-disk
	 * index holds {@link #slots()}): offers each position whose fingerprint matches,
	 * until the test accepts one.
	 * @param id the id looked for
	 * @param size the table's number of slots, a power of two
	 * @param slotAt reads a slot
	 * @param isIt reads the line at a position and tells whether it holds the id
	 * @return the accepted position, or 0 when none
	 */
	public static long find(UUID id, int size, IntToLongFunction slotAt, LongPredicate isIt) {
		int fingerprint = fingerprint(id);
		int mask = size - 1;
		for (int i = slot(fingerprint, mask);; i = (i + 1) & mask) {
			long entry = slotAt.applyAsLong(i);
			if (entry == 0) {
				return 0;
			}
			if ((int) (entry >>> 32) == fingerprint) {
				long position = entry & 0xFFFFFFFFL;
				if (isIt.test(position)) {
					return position;
				}
			}
		}
	}

	private void grow() {
		long[] bigger = new long[this.slots.length * 2];
		for (long entry : this.slots) {
			if (entry != 0) {
				insert(bigger, entry);
			}
		}
		this.slots = bigger;
	}

	private static void insert(long[] slots, long entry) {
		int mask = slots.length - 1;
		int i = slot((int) (entry >>> 32), mask);
		while (slots[i] != 0) {
			i = (i + 1) & mask;
		}
		slots[i] = entry;
	}

	/**
	 * The table's slots, for a sealed segment's on-disk index, which looks them up with
	 * {@link #find(UUID, int, java.util.function.IntToLongFunction, LongPredicate)}.
	 * @return a copy of the slots
	 */
	public long[] slots() {
		LongBuffer base = this.recorded;
		if (base == null) {
			return this.slots.clone();
		}
		if (size() <= base.limit() * MAX_LOAD) {
			// The recorded table has room for the new ids: a copy of it takes them.
			long[] copy = new long[base.limit()];
			base.get(0, copy);
			for (long entry : this.slots) {
				if (entry != 0) {
					insert(copy, entry);
				}
			}
			return copy;
		}
		// One table of both, as a table of that many ids would be.
		IdTable merged = new IdTable(size());
		for (int i = 0; i < base.limit(); i++) {
			long entry = base.get(i);
			if (entry != 0) {
				insert(merged.slots, entry);
			}
		}
		for (long entry : this.slots) {
			if (entry != 0) {
				insert(merged.slots, entry);
			}
		}
		return merged.slots;
	}

	/**
	 * How many ids the table holds.
	 * @return the count
	 */
	public int size() {
		return this.recordedSize + this.size;
	}

	/**
	 * A table of slots recorded earlier ({@link #slots()}), as it was.
	 * @param slots the slots, a power of two of them
	 * @param size how many ids they hold
	 * @return the table, owning the array
	 * @throws IllegalArgumentException if the slots cannot be a table of that size
	 */
	public static IdTable restore(long[] slots, int size) {
		if (Integer.bitCount(slots.length) != 1 || size < 0 || size > slots.length * MAX_LOAD) {
			throw new IllegalArgumentException("not an id table: " + slots.length + " slots holding " + size + " ids");
		}
		IdTable table = new IdTable();
		table.slots = slots;
		table.size = size;
		return table;
	}

	/**
	 * A table of slots recorded earlier ({@link #slots()}) read where they lie (a mapped
	 * file, never changed while the table is used): no copy is made, and ids added later
	 * go to a table of their own.
	 * @param slots the slots, a power of two of them
	 * @param size how many ids they hold
	 * @return the table
	 * @throws IllegalArgumentException if the slots cannot be a table of that size
	 */
	public static IdTable over(LongBuffer slots, int size) {
		if (Integer.bitCount(slots.limit()) != 1 || size < 0 || size > slots.limit() * MAX_LOAD) {
			throw new IllegalArgumentException("not an id table: " + slots.limit() + " slots holding " + size + " ids");
		}
		IdTable table = new IdTable();
		table.recorded = slots;
		table.recordedSize = size;
		return table;
	}

	private static boolean mayContain(int fingerprint, int length, IntToLongFunction slotAt) {
		int mask = length - 1;
		for (int i = slot(fingerprint, mask);; i = (i + 1) & mask) {
			long entry = slotAt.applyAsLong(i);
			if (entry == 0) {
				return false;
			}
			if ((int) (entry >>> 32) == fingerprint) {
				return true;
			}
		}
	}

	private static int slot(int fingerprint, int mask) {
		// The fingerprint is already well mixed; spread its high bits into the index.
		return (fingerprint ^ (fingerprint >>> 16)) & mask;
	}

	/**
	 * A well-mixed 32-bit hash of the whole id, never 0 (0 marks an empty slot).
	 * @param id the id
	 * @return its fingerprint
	 */
	public static int fingerprint(UUID id) {
		long h = id.getMostSignificantBits() * 0x9E3779B97F4A7C15L ^ id.getLeastSignificantBits();
		h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
		h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
		int fingerprint = (int) (h ^ (h >>> 33));
		return (fingerprint != 0) ? fingerprint : 1;
	}

}
