package dev.eventstore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs the same action on several threads at once, for the journals' tests. */
public final class Concurrently {

	private Concurrently() {
	}

	/**
	 * Runs {@code action(thread, i)} for i in 0..perThread-1 on each of {@code threads}
	 * threads.
	 */
	public static void run(int threads, int perThread, Action action) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < perThread; i++) {
						action.run(thread, i);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** What each thread does, once per i. */
	@FunctionalInterface
	public interface Action {

		void run(int thread, int i) throws Exception;

	}

}
