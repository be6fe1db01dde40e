package dev.eventstore.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs an operation on N threads for a warm-up and then a measured window, counting
 * operations and, when asked, recording each one's latency.
 */
final class Measurement {

	/** One operation; {@code thread} is the caller's index, {@code i} its iteration. */
	@FunctionalInterface
	interface Op {

		void run(int thread, long i) throws Exception;

	}

	/** What a run measured. */
	record Result(double opsPerSecond, double p50Micros, double p99Micros) {

		static Result of(double opsPerSecond) {
			return new Result(opsPerSecond, Double.NaN, Double.NaN);
		}

		/** The mean of two runs' throughputs and of their percentiles. */
		static Result mean(Result a, Result b) {
			return new Result((a.opsPerSecond + b.opsPerSecond) / 2, (a.p50Micros + b.p50Micros) / 2,
					(a.p99Micros + b.p99Micros) / 2);
		}

	}

	private Measurement() {
	}

	static Result run(int threads, long warmupMillis, long measureMillis, boolean latencies, Op op) throws Exception {
		long[][] samples = new long[threads][];
		int[] sampleCounts = new int[threads];
		long[] counts = new long[threads];
		Throwable[] failures = new Throwable[threads];
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch done = new CountDownLatch(threads);
		long[] phase = new long[3];
		List<Thread> workers = new ArrayList<>();
		long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
		long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
		long measureTo = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
		phase[0] = start;
		for (int t = 0; t < threads; t++) {
			int thread = t;
			samples[t] = new long[latencies ? 1 << 16 : 0];
			Thread worker = new Thread(() -> {
				ready.countDown();
				try {
					while (System.nanoTime() < start) {
						Thread.onSpinWait();
					}
					long i = 0;
					long measured = 0;
					while (true) {
						long before = System.nanoTime();
						if (before >= measureTo) {
							break;
						}
						op.run(thread, i++);
						if (before >= measureFrom) {
							measured++;
							if (latencies) {
								long[] own = samples[thread];
								if (sampleCounts[thread] == own.length) {
									samples[thread] = own = Arrays.copyOf(own, own.length * 2);
								}
								own[sampleCounts[thread]++] = System.nanoTime() - before;
							}
						}
					}
					counts[thread] = measured;
				}
				catch (Throwable ex) {
					failures[thread] = ex;
				}
				finally {
					done.countDown();
				}
			}, "bench-" + t);
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		done.await();
		for (Throwable failure : failures) {
			if (failure != null) {
				throw new IllegalStateException("A benchmark thread failed", failure);
			}
		}
		long total = Arrays.stream(counts).sum();
		double perSecond = total / (measureMillis / 1000.0);
		if (!latencies) {
			return Result.of(perSecond);
		}
		int n = Arrays.stream(sampleCounts).sum();
		long[] all = new long[n];
		int at = 0;
		for (int t = 0; t < threads; t++) {
			System.arraycopy(samples[t], 0, all, at, sampleCounts[t]);
			at += sampleCounts[t];
		}
		Arrays.sort(all);
		return new Result(perSecond, percentile(all, 0.50), percentile(all, 0.99));
	}

	private static double percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1000.0;
	}

}
