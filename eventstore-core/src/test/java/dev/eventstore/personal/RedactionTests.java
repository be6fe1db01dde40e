package dev.eventstore.personal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTests {

	@Test
	void aValueHoldingAnotherIsReplacedWholeAndEveryOccurrenceGoes() {
		Redaction redaction = Redaction.of(List.of("Ada", "Ada Lovelace"));

		assertThat(redaction.apply("Ada Lovelace, known as Ada"))
			.isEqualTo(Redaction.MARK + ", known as " + Redaction.MARK);
	}

	@Test
	void repeatedValuesAreKeptOnceAndATextIsFoundWholeOrInside() {
		Redaction redaction = Redaction.allOf(List.of(Redaction.of(List.of("ada@example.org", "Ada")),
				Redaction.of(List.of("ada@example.org", "Ada"))));

		assertThat(redaction).hasToString("Redaction[2 values]");
		assertThat(redaction.quotes("ada@example.org")).isTrue();
		assertThat(redaction.quotes("Dear Ada!")).isTrue();
		assertThat(redaction.quotes("Dear Bob!")).isFalse();
	}

	@Test
	void oneCharacterValuesAndNullTextsAreLeftAlone() {
		Redaction redaction = Redaction.of(List.of("a", ""));

		assertThat(redaction.isEmpty()).isTrue();
		assertThat(redaction.apply("a cat")).isEqualTo("a cat");
		assertThat(Redaction.of(List.of("Ada")).apply((String) null)).isNull();
	}

	@Test
	void aFailureQuotingAValueBecomesACopyThatReadsAsItsClassKeepsItsStackAndRedactsEachCause() {
		IOException root = new IOException("mailbox of ada@example.org refused");
		IllegalStateException failure = new IllegalStateException("cannot mail ada@example.org",
				new UncheckedIOException(root));

		Throwable redacted = Redaction.of(List.of("ada@example.org")).apply(failure);

		assertThat(redacted).isNotSameAs(failure)
			.hasToString("java.lang.IllegalStateException: cannot mail " + Redaction.MARK);
		assertThat(redacted.getStackTrace()).isEqualTo(failure.getStackTrace());
		assertThat(redacted.getCause()).hasToString(
				"java.io.UncheckedIOException: java.io.IOException: mailbox of " + Redaction.MARK + " refused");
		assertThat(redacted.getCause().getCause())
			.hasToString("java.io.IOException: mailbox of " + Redaction.MARK + " refused")
			.hasNoCause();
	}

	@Test
	void aValueQuotedOnlyBySuppressedFailureIsWithheldThereToo() {
		IllegalStateException failure = new IllegalStateException("cannot close the mailer");
		failure.addSuppressed(new IllegalArgumentException("bounced: ada@example.org"));

		Throwable redacted = Redaction.of(List.of("ada@example.org")).apply(failure);

		assertThat(redacted).isNotSameAs(failure)
			.hasToString("java.lang.IllegalStateException: cannot close the mailer");
		assertThat(redacted.getSuppressed()).singleElement()
			.hasToString("java.lang.IllegalArgumentException: bounced: " + Redaction.MARK);
	}

	@Test
	void aFailureQuotingNoValueIsPassedOnAsItIs() {
		IllegalStateException failure = new IllegalStateException("mail server down", new IOException(null, null));

		assertThat(Redaction.of(List.of("ada@example.org")).apply(failure)).isSameAs(failure);
		assertThat(Redaction.none().apply(failure)).isSameAs(failure);
	}

	@Test
	void aCauseChainThatLoopsIsCopiedOnce() {
		LoopingFailure first = new LoopingFailure("about ada@example.org");
		LoopingFailure second = new LoopingFailure("and ada@example.org again");
		first.next = second;
		second.next = first;

		Throwable redacted = Redaction.of(List.of("ada@example.org")).apply(first);

		assertThat(redacted.getMessage()).isEqualTo("about " + Redaction.MARK);
		assertThat(redacted.getCause().getMessage()).isEqualTo("and " + Redaction.MARK + " again");
		assertThat(redacted.getCause().getCause()).isNull();
	}

	/** A failure whose cause is set after the fact, so that two may name each other. */
	private static final class LoopingFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		transient Throwable next;

		LoopingFailure(String message) {
			super(message);
		}

		@Override
		public synchronized Throwable getCause() {
			return this.next;
		}

	}

}
