package dev.eventstore.personal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.eventstore.ChildJvm;
import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A child JVM appends personal data of many subjects and erases them one after another,
 * printing each erasure once it returned; it is killed with SIGKILL at a random moment.
 * After every kill, every acknowledged erasure holds (the subject's values read as their
 * replacements, its key file is gone), every erasure, acknowledged or cut short, is
 * announced by a {@link PersonalDataErased} event once the store is open again, and every
 * subject not erased reads back whole. Rounds: a few by default, many with
 * {@code -Deventstore.torture=true}.
 */
class ErasureKillTests {

	private static final boolean TORTURE = Boolean.getBoolean("eventstore.torture");

	static final byte[] MASTER_KEY = "kill-test-master-key-of-32-bytes".getBytes(StandardCharsets.US_ASCII);

	@EventType("Registered")
	record Registered(String customerId, @PersonalData(subject = "customerId", replacement = "[erased]") String email) {
	}

	@TempDir
	Path dir;

	static EventStore open(Path journal) {
		return EventStore.builder()
			.persistPath(journal)
			.fsync(FsyncPolicy.ALWAYS)
			.eventTypes(EventTypes.of(Registered.class))
			.personalData(PersonalDataProtection.of(MASTER_KEY,
					new FileSubjectKeyStore(journal.resolveSibling(journal.getFileName() + ".keys"))))
			.build();
	}

	static String email(String subject) {
		return subject + "@example.org";
	}

	@Test
	void everyAcknowledgedErasureSurvivesSigkill() throws Exception {
		Path journal = this.dir.resolve("events.ndjson");
		int rounds = TORTURE ? 40 : 4;
		Random random = new Random();
		Set<String> erased = new HashSet<>();
		for (int round = 0; round < rounds; round++) {
			Process child = ChildJvm.start(Eraser.class, List.of("-Xmx128m"), journal.toString(),
					String.valueOf(round));
			Set<String> acknowledged = ConcurrentHashMap.newKeySet();
			Thread reader = new Thread(() -> {
				try (BufferedReader out = new BufferedReader(
						new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = out.readLine()) != null) {
						if (line.startsWith("erased ")) {
							acknowledged.add(line.substring(7));
						}
					}
				}
				catch (Exception ex) {
					// The child died mid-line; what was read stands.
				}
			});
			reader.start();
			await().atMost(Duration.ofSeconds(30)).until(() -> !acknowledged.isEmpty());
			Thread.sleep(random.nextInt(TORTURE ? 400 : 150));
			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			reader.join(10_000);
			erased.addAll(acknowledged);
			try (EventStore store = open(journal)) {
				PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY,
						new InMemorySubjectKeyStore());
				Set<String> announced = new HashSet<>();
				List<StoredEvent> notices = store.readStream(PersonalDataErased.STREAM);
				for (StoredEvent notice : notices) {
					announced.add(notice.payload(PersonalDataErased.class).subject());
				}
				// Each subject is erased once: a kill between an erasure's notice and its
				// note's removal does not make the next open announce it again.
				assertThat(announced).as("round %d: each erasure announced once", round).hasSize(notices.size());
				int checked = 0;
				for (StoredEvent event : store.readAll(1, Integer.MAX_VALUE)) {
					if (!event.type().equals("Registered")) {
						continue;
					}
					Registered read = event.payload(Registered.class);
					if (erased.contains(read.customerId())) {
						assertThat(read.email()).as("round %d: %s was erased", round, read.customerId())
							.isEqualTo("[erased]");
					}
					else {
						assertThat(read.email()).isIn(email(read.customerId()), "[erased]");
					}
					if (read.email().equals("[erased]")) {
						// Acknowledged or cut short by the kill: announced either way.
						assertThat(announced).as("round %d: the erasure of %s is announced", round, read.customerId())
							.contains(protection.subjectReference(read.customerId()));
					}
					checked++;
				}
				assertThat(checked).isPositive();
				Path keys = journal.resolveSibling(journal.getFileName() + ".keys");
				for (String subject : erased) {
					String reference = protection.subjectReference(subject);
					assertThat(keys.resolve(reference.substring(0, 2)).resolve(reference + ".key"))
						.as("round %d: the key of %s is gone", round, subject)
						.doesNotExist();
				}
			}
			assertThat(Files.size(journal)).isPositive();
		}
	}

	/**
	 * Registers subjects and erases each right after, printing every erasure that
	 * returned.
	 */
	static final class Eraser {

		public static void main(String[] args) {
			String round = args[1];
			try (EventStore store = open(Path.of(args[0]))) {
				for (int i = 0;; i++) {
					String subject = "r" + round + "-c" + i;
					store.append("customer-" + subject, NewEvent.of(new Registered(subject, email(subject))));
					if (i % 2 == 0) {
						store.erasePersonalData(subject);
						System.out.println("erased " + subject);
						System.out.flush();
					}
				}
			}
		}

	}

}
