package dev.eventstore.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import dev.eventstore.personal.SubjectKeyStore;
import org.jspecify.annotations.Nullable;

/**
 * Copies the data subjects' keys of personal data along with a journal: without them the
 * copy's personal values could never be read again (they would read as erased). The keys
 * stay wrapped under the application's master key, which the copy never needs: the
 * target's store must be one of the same master key (its key check value), or empty.
 * Idempotent: a key the target holds already is left as it is; a subject with another key
 * there is refused.
 */
final class SubjectKeyCopy {

	private SubjectKeyCopy() {
	}

	/**
	 * Copies every key of {@code from} into the store {@code target} gives, made only
	 * when there are keys to copy (a file store makes its directory).
	 * @return what was copied, for the command's output; null when the source was never
	 * used (no check value: it holds no keys)
	 * @throws IllegalStateException when the source has erasures not yet announced, the
	 * target's keys are under another master key, or the target holds another key for a
	 * subject
	 */
	static @Nullable String copy(SubjectKeyStore from, Supplier<SubjectKeyStore> target) {
		List<String> pending = from.pendingErasures();
		if (!pending.isEmpty()) {
			throw new IllegalStateException(pending.size() + " erasure(s) of personal data in " + from.location()
					+ " are not yet announced (a crash cut them short before their PersonalDataErased event); "
					+ "open the store once with its application, which announces them, and copy again");
		}
		byte[] check = from.checkValue();
		if (check == null) {
			return null;
		}
		SubjectKeyStore to = target.get();
		byte[] theirs = to.checkValue();
		if (theirs == null) {
			to.saveCheckValue(check);
		}
		else if (!Arrays.equals(theirs, check)) {
			throw new IllegalStateException("The personal-data keys in " + to.location()
					+ " are under another master key than those in " + from.location()
					+ " (their key check values differ); copy into an empty key store or one of the same master key");
		}
		long[] held = { 0 };
		List<String> others = new ArrayList<>();
		from.forEachKey((subject, key) -> {
			if (Arrays.equals(to.putIfAbsent(subject, key), key)) {
				held[0]++;
			}
			else {
				others.add(subject);
			}
		});
		if (!others.isEmpty()) {
			throw new IllegalStateException(others.size() + " data subject(s) have other keys in " + to.location()
					+ " than in " + from.location() + " (the target was used before the copy finished), "
					+ "subject reference " + others.get(0) + " first; their copied values would read as erased");
		}
		return "Personal data: " + to.location() + " holds the keys of the " + held[0] + " data subjects of "
				+ from.location();
	}

}
