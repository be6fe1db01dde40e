package dev.eventstore.upcasting;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * The upcasters of a store, in chains per event type: revision 1 to 2, 2 to 3, and so on.
 * A chain with a gap or two upcasters for one step is refused when built, naming them.
 * Immutable and thread-safe.
 *
 * @since 0.2.0
 */
public final class Upcasters {

	private static final Upcasters NONE = new Upcasters(Map.of());

	/** Per type name: the upcasters by the revision they read. */
	private final Map<String, Map<Integer, Upcaster>> chains;

	private Upcasters(Map<String, Map<Integer, Upcaster>> chains) {
		this.chains = chains;
	}

	/** No upcasting. */
	public static Upcasters none() {
		return NONE;
	}

	/**
	 * Chains the given upcasters by type.
	 * @param upcasters the upcasters
	 * @return the chains
	 * @throws IllegalArgumentException if two upcasters read the same revision of a type,
	 * or a chain skips a revision
	 */
	public static Upcasters of(Collection<? extends Upcaster> upcasters) {
		Map<String, TreeMap<Integer, Upcaster>> chains = new HashMap<>();
		for (Upcaster upcaster : upcasters) {
			if (upcaster.fromRevision() < 1) {
				throw new IllegalArgumentException("Upcaster " + upcaster + " reads revision " + upcaster.fromRevision()
						+ "; revisions start at 1");
			}
			Upcaster other = chains.computeIfAbsent(upcaster.type(), (type) -> new TreeMap<>())
				.putIfAbsent(upcaster.fromRevision(), upcaster);
			if (other != null) {
				throw new IllegalArgumentException("Two upcasters turn revision " + upcaster.fromRevision() + " of '"
						+ upcaster.type() + "' into the next: " + other + " and " + upcaster);
			}
		}
		Map<String, Map<Integer, Upcaster>> checked = new HashMap<>();
		chains.forEach((type, chain) -> {
			int expected = chain.firstKey();
			for (int revision : chain.keySet()) {
				if (revision != expected) {
					throw new IllegalArgumentException(
							"The upcasters of '" + type + "' skip revision " + expected + ": there is one from "
									+ (expected - 1) + " and one from " + revision + ", none from " + expected);
				}
				expected++;
			}
			checked.put(type, Map.copyOf(chain));
		});
		return new Upcasters(Map.copyOf(checked));
	}

	/**
	 * The revision a type's chain leads to, or 0 when it has none.
	 * @param type the type name
	 * @return the last revision the chain produces
	 */
	public int latestRevision(String type) {
		Map<Integer, Upcaster> chain = this.chains.get(type);
		return (chain == null) ? 0 : chain.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
	}

	/**
	 * The upcaster that reads a revision of a type, or null.
	 * @param type the type name
	 * @param revision the revision
	 * @return the upcaster or null
	 */
	public @Nullable Upcaster from(String type, int revision) {
		Map<Integer, Upcaster> chain = this.chains.get(type);
		return (chain != null) ? chain.get(revision) : null;
	}

	/** The type names that have upcasters. */
	public List<String> types() {
		return new ArrayList<>(this.chains.keySet());
	}

	/** Whether there are no upcasters. */
	public boolean isEmpty() {
		return this.chains.isEmpty();
	}

}
