package dev.eventstore.cli;

import java.nio.charset.StandardCharsets;

import dev.eventstore.personal.InMemorySubjectKeyStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Copying the personal-data keys: every key, again without harm, never over a subject's
 * other key, never into a store of another master key.
 */
class SubjectKeyCopyTests {

	private static final String SUBJECT = "a".repeat(64);

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static InMemorySubjectKeyStore store(String check, String key) {
		InMemorySubjectKeyStore store = new InMemorySubjectKeyStore();
		store.saveCheckValue(bytes(check));
		store.putIfAbsent(SUBJECT, bytes(key));
		return store;
	}

	@Test
	void everyKeyIsCopiedAndACopyRunAgainFindsThemThere() {
		InMemorySubjectKeyStore from = store("check", "key");
		from.putIfAbsent("b".repeat(64), bytes("other key"));
		InMemorySubjectKeyStore to = new InMemorySubjectKeyStore();
		assertThat(SubjectKeyCopy.copy(from, () -> to)).contains("the 2 data subjects");
		assertThat(SubjectKeyCopy.copy(from, () -> to)).contains("the 2 data subjects");
		assertThat(to.find(SUBJECT)).isEqualTo(bytes("key"));
		assertThat(to.checkValue()).isEqualTo(bytes("check"));
	}

	@Test
	void aSubjectWithAnotherKeyInTheTargetIsRefusedNamingIt() {
		InMemorySubjectKeyStore to = store("check", "a key made there meanwhile");
		assertThatIllegalStateException().isThrownBy(() -> SubjectKeyCopy.copy(store("check", "key"), () -> to))
			.withMessageContaining("1 data subject(s) have other keys")
			.withMessageContaining(SUBJECT)
			.withMessageContaining("would read as erased");
		assertThat(to.find(SUBJECT)).isEqualTo(bytes("a key made there meanwhile"));
	}

	@Test
	void aSourceNeverUsedCopiesNothingAndMakesNoTarget() {
		assertThat(SubjectKeyCopy.copy(new InMemorySubjectKeyStore(), () -> {
			throw new AssertionError("the target store was made");
		})).isNull();
	}

}
