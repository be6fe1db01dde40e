/**
 * Benchmarks: the runner that prints the store's figures beside the machine's own limits,
 * and JMH benchmarks of the CPU-bound paths.
 */
package dev.eventstore.benchmarks;
