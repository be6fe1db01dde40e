package dev.eventstore.postgres;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.ChildJvm;
import dev.eventstore.EventStore;
import dev.eventstore.SlotClaims;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two processes on one PostgreSQL database claim the same slots with conditional appends,
 * four threads each, racing for the slots where their opposite orders meet: each slot is
 * claimed exactly once, whichever process wins it.
 */
class TwoProcessConditionRaceTests {

	private static final int SLOTS = 150;

	@Test
	void twoProcessesRacingForEachSlotClaimItExactlyOnce() throws Exception {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(6);
				EventStore store = EventStore.builder().journal(EmbeddedPostgresServer.journal(pool, prefix)).build()) {
			Process child = ChildJvm.start(Claimer.class, List.of("-Xmx128m"), EmbeddedPostgresServer.jdbcUrl(), prefix,
					"child");
			try {
				BufferedReader out = new BufferedReader(
						new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
				assertThat(out.readLine()).isEqualTo("ready");
				int here = Claimer.claimAll(store, "parent", false);
				assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child finished").isTrue();
				int there = Integer.parseInt(out.readLine());
				assertThat(here + there).as("claims won by the two processes").isEqualTo(SLOTS);
			}
			finally {
				child.destroyForcibly();
			}
			Set<String> claimed = new HashSet<>();
			Set<String> winners = new HashSet<>();
			for (StoredEvent event : store.readAll(1, Integer.MAX_VALUE)) {
				for (String tag : event.tags()) {
					assertThat(claimed.add(tag)).as("%s is claimed once", tag).isTrue();
					if (tag.startsWith("slot:")) {
						winners.add((String) event.data().get("by"));
					}
				}
			}
			assertThat(claimed).hasSize(SLOTS + 1);
			assertThat(winners).as("both processes won slots").contains("parent", "child");
		}
	}

	/** Claims every slot in order from four threads; prints how many it won. */
	static final class Claimer {

		public static void main(String[] args) throws Exception {
			try (HikariDataSource pool = EmbeddedPostgresServer.pool(args[0], 6);
					EventStore store = EventStore.builder()
						.journal(PostgresJournal.builder(pool).tablePrefix(args[1]).build())
						.build()) {
				// Warmed by a claim of its own, so that a cold JVM does not trail the
				// whole race: the parent's JVM has run the store for a while.
				SlotClaims.claim(store, "warm-up:" + args[2], args[2]);
				System.out.println("ready");
				System.out.flush();
				System.out.println(claimAll(store, args[2], true));
				System.out.flush();
			}
		}

		/**
		 * The two processes go through the slots in opposite orders and meet in the
		 * middle, where they race: each wins the slots before the meeting point, however
		 * much faster one of them runs.
		 */
		static int claimAll(EventStore store, String who, boolean descending) throws InterruptedException {
			AtomicInteger won = new AtomicInteger();
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				Thread thread = new Thread(() -> {
					for (int i = 0; i < SLOTS; i++) {
						int slot = descending ? SLOTS - 1 - i : i;
						if (SlotClaims.claim(store, "slot:" + slot, who) > 0) {
							won.incrementAndGet();
						}
					}
				});
				threads.add(thread);
				thread.start();
			}
			for (Thread thread : threads) {
				thread.join();
			}
			return won.get();
		}

	}

}
