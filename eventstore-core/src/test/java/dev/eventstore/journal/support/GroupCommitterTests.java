package dev.eventstore.journal.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class GroupCommitterTests {

	/** The sizes of the groups written, in order. */
	private final List<Integer> groups = new CopyOnWriteArrayList<>();

	private final CountDownLatch firstGroupMayFinish = new CountDownLatch(1);

	private final CountDownLatch firstGroupStarted = new CountDownLatch(1);

	private void writeHoldingTheFirstGroup(List<Item> group) {
		this.groups.add(group.size());
		if (this.groups.size() == 1) {
			this.firstGroupStarted.countDown();
			try {
				this.firstGroupMayFinish.await();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}
		for (Item item : group) {
			item.writtenInGroup = this.groups.size();
			item.succeeded();
		}
	}

	@Test
	void aLoneCallerIsWrittenAsAGroupOfItsOwnOnItsOwnThread() {
		List<Thread> writers = new ArrayList<>();
		GroupCommitter<Item> committer = new GroupCommitter<>(10, Duration.ofMillis(1), (group) -> {
			writers.add(Thread.currentThread());
			this.groups.add(group.size());
			group.forEach(Item::succeeded);
		});
		Item first = new Item();
		committer.submit(first);
		committer.submit(new Item());
		assertThat(this.groups).containsExactly(1, 1);
		assertThat(writers).containsOnly(Thread.currentThread());
		assertThat(first.succeeded).isTrue();
	}

	@Test
	void aFailedWriteFailsItsCallerWithTheWritersException() {
		GroupCommitter<Item> committer = new GroupCommitter<>(10, Duration.ofMillis(1), (group) -> {
			throw new IllegalStateException("disk gone");
		});
		assertThatThrownBy(() -> committer.submit(new Item())).isInstanceOf(IllegalStateException.class)
			.hasMessage("disk gone");
		// The lock was released: the next caller is written (and fails) too, not stuck.
		assertThatThrownBy(() -> committer.submit(new Item())).hasMessage("disk gone");
	}

	@ParameterizedTest(name = "yielding for {0} ms before parking")
	@ValueSource(ints = { 0, 1 })
	void callersArrivingWhileAGroupIsWrittenAreWrittenTogetherInTheNextGroups(int yieldMillis) throws Exception {
		GroupCommitter<Item> committer = new GroupCommitter<>(3, Duration.ofMillis(yieldMillis),
				this::writeHoldingTheFirstGroup);
		List<CompletableFuture<Item>> callers = new ArrayList<>();
		callers.add(submitOnAThreadOfItsOwn(committer));
		assertThat(this.firstGroupStarted.await(10, TimeUnit.SECONDS)).isTrue();
		List<Thread> waiting = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 5; i++) {
			callers.add(submitOnAThreadOfItsOwn(committer, waiting));
		}
		// Each waiting caller yields for its yield time, then parks.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> waiting.size() == 5 && waiting.stream().allMatch((t) -> t.getState() == Thread.State.WAITING));
		this.firstGroupMayFinish.countDown();
		for (CompletableFuture<Item> caller : callers) {
			assertThat(caller.get(10, TimeUnit.SECONDS).succeeded).isTrue();
		}
		// The five parked callers were woken and written in groups of at most three.
		assertThat(this.groups).containsExactly(1, 3, 2);
	}

	@Test
	void aCallerWaitingForAGroupThatFailsGetsTheFailure() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(1);
		GroupCommitter<Item> committer = new GroupCommitter<>(10, Duration.ofMillis(1), (group) -> {
			if (this.groups.isEmpty()) {
				this.groups.add(group.size());
				started.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
				group.forEach(Item::succeeded);
				return;
			}
			this.groups.add(group.size());
			group.get(0).fail(new IllegalArgumentException("first of the second group refused"));
			throw new IllegalStateException("write failed");
		});
		CompletableFuture<Item> first = submitOnAThreadOfItsOwn(committer);
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		List<Thread> waiting = new CopyOnWriteArrayList<>();
		CompletableFuture<Item> second = submitOnAThreadOfItsOwn(committer, waiting);
		await().atMost(Duration.ofSeconds(10)).until(() -> waiting.size() == 1);
		CompletableFuture<Item> third = submitOnAThreadOfItsOwn(committer, waiting);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> waiting.size() == 2 && waiting.stream().allMatch((t) -> t.getState() == Thread.State.WAITING));
		release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS).succeeded).isTrue();
		// A request the writer failed keeps its own reason; the others get what it threw.
		assertThat(second).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.withMessage("first of the second group refused");
		assertThat(third).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.withMessage("write failed");
		assertThat(this.groups).containsExactly(1, 2);
	}

	private static CompletableFuture<Item> submitOnAThreadOfItsOwn(GroupCommitter<Item> committer) {
		return submitOnAThreadOfItsOwn(committer, new ArrayList<>());
	}

	private static CompletableFuture<Item> submitOnAThreadOfItsOwn(GroupCommitter<Item> committer,
			List<Thread> started) {
		CompletableFuture<Item> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				Item item = new Item();
				started.add(Thread.currentThread());
				committer.submit(item);
				result.complete(item);
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		thread.setDaemon(true);
		thread.start();
		return result;
	}

	static final class Item extends GroupCommitter.Request {

		volatile int writtenInGroup;

	}

}
