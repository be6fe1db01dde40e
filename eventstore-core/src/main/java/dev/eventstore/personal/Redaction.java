package dev.eventstore.personal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Personal values to keep out of a text about an event: a handler's exception that quotes
 * the customer's name, say, before it is logged, shown by an endpoint or stored with a
 * parked event, where no erasure would reach it. Each value is replaced by
 * {@value #MARK}; values of one character are left alone (replacing them would garble the
 * text and they identify no one). Immutable and thread-safe.
 *
 * @since 0.2.0
 */
public final class Redaction {

	/** What a withheld value reads as. */
	public static final String MARK = "[personal data]";

	private static final Redaction NONE = new Redaction(List.of(), Set.of());

	/**
	 * Causes and suppressed failures followed at most, in case a chain loops through a
	 * custom cause.
	 */
	private static final int MAX_CAUSES = 32;

	/** Longest first, so that a value holding another is replaced whole. */
	private final List<String> values;

	/** The same values, to find a text that is one of them at once. */
	private final Set<String> distinct;

	private Redaction(List<String> values, Set<String> distinct) {
		this.values = values;
		this.distinct = distinct;
	}

	/** A redaction that withholds nothing. */
	public static Redaction none() {
		return NONE;
	}

	/**
	 * A redaction of these values.
	 * @param values the values, as they would appear in a text
	 * @return the redaction
	 */
	public static Redaction of(Collection<String> values) {
		Set<String> kept = new LinkedHashSet<>();
		for (String value : values) {
			if (value.length() > 1) {
				kept.add(value);
			}
		}
		if (kept.isEmpty()) {
			return NONE;
		}
		List<String> longestFirst = new ArrayList<>(kept);
		longestFirst.sort(Comparator.comparingInt(String::length).reversed());
		return new Redaction(List.copyOf(longestFirst), Set.copyOf(kept));
	}

	/**
	 * A redaction of every value of several.
	 * @param redactions the redactions
	 * @return one withholding all their values
	 */
	public static Redaction allOf(Collection<Redaction> redactions) {
		List<String> values = new ArrayList<>();
		for (Redaction redaction : redactions) {
			values.addAll(redaction.values);
		}
		return of(values);
	}

	/**
	 * Whether a text holds any of the values.
	 * @param text the text
	 * @return whether it does
	 */
	public boolean quotes(String text) {
		if (this.distinct.contains(text)) {
			return true;
		}
		for (String value : this.values) {
			if (text.contains(value)) {
				return true;
			}
		}
		return false;
	}

	/** Whether it withholds nothing. */
	public boolean isEmpty() {
		return this.values.isEmpty();
	}

	/**
	 * A text with each value replaced.
	 * @param text the text, or null
	 * @return the text without the values; null for null
	 */
	public @Nullable String apply(@Nullable String text) {
		if (text == null || this.values.isEmpty()) {
			return text;
		}
		String redacted = text;
		for (String value : this.values) {
			redacted = redacted.replace(value, MARK);
		}
		return redacted;
	}

	/**
	 * A failure to log or show in place of one that may quote the values: the same one
	 * when none of its messages (its causes' and suppressed failures' included) does,
	 * else a copy whose messages withhold them. The copy reads as the original's class
	 * and message, keeps each stack trace, and is unchecked.
	 * @param failure the failure
	 * @return it, or its redacted copy
	 */
	public Throwable apply(Throwable failure) {
		if (this.values.isEmpty() || !quotes(failure)) {
			return failure;
		}
		return copy(failure, Collections.newSetFromMap(new IdentityHashMap<>()));
	}

	private boolean quotes(Throwable failure) {
		return quotes(failure, Collections.newSetFromMap(new IdentityHashMap<>()));
	}

	/** Whether its message, or a cause's or a suppressed failure's, quotes a value. */
	private boolean quotes(Throwable failure, Set<Throwable> seen) {
		if (!seen.add(failure) || seen.size() > MAX_CAUSES) {
			return false;
		}
		String message = failure.getMessage();
		if (message != null && quotes(message)) {
			return true;
		}
		for (Throwable suppressed : failure.getSuppressed()) {
			if (quotes(suppressed, seen)) {
				return true;
			}
		}
		Throwable cause = failure.getCause();
		return cause != null && quotes(cause, seen);
	}

	private Throwable copy(Throwable failure, Set<Throwable> seen) {
		seen.add(failure);
		Throwable cause = failure.getCause();
		Throwable copiedCause = (cause != null && seen.size() < MAX_CAUSES && !seen.contains(cause)) ? copy(cause, seen)
				: null;
		Redacted copy = new Redacted(failure.getClass().getName(), apply(failure.getMessage()), failure.getStackTrace(),
				copiedCause);
		for (Throwable suppressed : failure.getSuppressed()) {
			if (seen.size() < MAX_CAUSES && !seen.contains(suppressed)) {
				copy.addSuppressed(copy(suppressed, seen));
			}
		}
		return copy;
	}

	@Override
	public String toString() {
		return "Redaction[" + this.values.size() + " values]";
	}

	/** A failure's copy with its message redacted; prints as the original's class. */
	private static final class Redacted extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String originalClass;

		Redacted(String originalClass, @Nullable String message, StackTraceElement[] stackTrace,
				@Nullable Throwable cause) {
			super(message, cause, true, true);
			this.originalClass = originalClass;
			setStackTrace(stackTrace);
		}

		@Override
		public String toString() {
			String message = getLocalizedMessage();
			return this.originalClass + ((message != null) ? ": " + message : "");
		}

	}

}
