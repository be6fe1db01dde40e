package dev.eventstore.postgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.ChildJvm;
import dev.eventstore.EventStore;
import dev.eventstore.SlotClaims;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A child JVM claims slots on PostgreSQL with conditional appends from four racing
 * threads and reports every acknowledged claim; it is killed with SIGKILL at a random
 * moment, three times. After each kill: every acknowledged claim is in the table, no slot
 * is claimed twice, the log is gapless, and a read by each slot's query finds what a scan
 * of the log finds.
 */
class ConditionalAppendKillTests {

	@Test
	void acknowledgedClaimsSurviveSigkillAndNoSlotIsClaimedTwice() throws Exception {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		Random random = new Random();
		Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(4)) {
			for (int round = 0; round < 3; round++) {
				Process child = ChildJvm.start(Claimer.class, List.of("-Xmx128m"), EmbeddedPostgresServer.jdbcUrl(),
						prefix, String.valueOf(round));
				Thread reader = ChildJvm.readLines(child, (line) -> acknowledged.add(Long.parseLong(line)));
				int before = acknowledged.size();
				await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() > before + 20);
				Thread.sleep(random.nextInt(300));
				child.destroyForcibly();
				assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
				reader.join(10_000);
				try (EventStore store = EventStore.builder()
					.journal(EmbeddedPostgresServer.journal(pool, prefix))
					.build()) {
					SlotClaims.assertClaimedOnceEach(store, acknowledged, round);
				}
			}
		}
	}

	/**
	 * Four threads claim slots in order, racing for each; prints each acknowledged claim.
	 */
	static final class Claimer {

		public static void main(String[] args) throws Exception {
			try (HikariDataSource pool = EmbeddedPostgresServer.pool(args[0], 6);
					EventStore store = EventStore.builder()
						.journal(PostgresJournal.builder(pool).tablePrefix(args[1]).initializeSchema(true).build())
						.build()) {
				List<Thread> threads = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					int claimer = t;
					Thread thread = new Thread(() -> SlotClaims.claimForever(store, args[2], claimer));
					threads.add(thread);
					thread.start();
				}
				for (Thread thread : threads) {
					thread.join();
				}
			}
		}

	}

}
