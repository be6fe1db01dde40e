/**
 * Durable event processors: named consumers of the whole log that record how far they got
 * in a {@link dev.eventstore.processor.CheckpointStore}, resume there after a restart,
 * retry a failing handler and stop at an event they cannot handle instead of skipping it,
 * and can be paused, resumed, reset and replayed by an operator. Delivery is
 * at-least-once; with a transactional checkpoint store and handler it is exactly-once in
 * effect.
 */
@NullMarked
package dev.eventstore.processor;

import org.jspecify.annotations.NullMarked;
