package dev.eventstore.processor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * A processor's segments taken together: the status that sums them up, the parked events
 * of them all, whether they all handled a position, and a reset that meets every
 * segment's thread at a barrier. Thread-safe.
 */
final class SegmentGroup {

	private final String name;

	private final List<ProcessorSegment> segments;

	SegmentGroup(String name, List<ProcessorSegment> segments) {
		this.name = name;
		this.segments = segments;
	}

	/** The processor's status, with the log's last position known. */
	ProcessorStatus status(long last) {
		List<SegmentStatus> statuses = new ArrayList<>(this.segments.size());
		long checkpoint = Long.MAX_VALUE;
		ProcessorFailure failure = null;
		String lastError = null;
		int parked = 0;
		EnumSet<ProcessorState> states = EnumSet.noneOf(ProcessorState.class);
		for (ProcessorSegment segment : this.segments) {
			SegmentStatus status = segment.status(last);
			statuses.add(status);
			states.add(status.state());
			checkpoint = Math.min(checkpoint, status.checkpoint());
			parked += status.parked();
			if (failure == null && status.state() == ProcessorState.FAILED) {
				failure = segment.progress.failure;
			}
			if (lastError == null) {
				lastError = segment.progress.lastError;
			}
		}
		ProcessorState state = overall(states);
		return new ProcessorStatus(this.name, state, checkpoint, last, Math.max(0, last - checkpoint),
				(state == ProcessorState.FAILED) ? failure : null, lastError, statuses, parked);
	}

	/** The state that says most of the segments' states. */
	private static ProcessorState overall(Set<ProcessorState> states) {
		for (ProcessorState state : List.of(ProcessorState.STOPPED, ProcessorState.FAILED, ProcessorState.CATCHING_UP,
				ProcessorState.RUNNING, ProcessorState.PAUSED)) {
			if (states.contains(state)) {
				return state;
			}
		}
		return ProcessorState.NOT_OWNER;
	}

	/** The segments this instance runs. */
	List<ProcessorSegment> owned() {
		return this.segments.stream().filter((s) -> s.progress.owned).toList();
	}

	/** The events parked in every segment, by position. */
	List<ParkedEvent> parked() {
		List<ParkedEvent> parked = new ArrayList<>();
		for (ProcessorSegment segment : this.segments) {
			parked.addAll(segment.parked());
		}
		parked.sort(Comparator.comparingLong(ParkedEvent::position));
		return parked;
	}

	/** Whether every segment handled the position. */
	boolean handled(long position) {
		for (ProcessorSegment segment : this.segments) {
			// A segment another instance runs shows its saved checkpoint here.
			if (segment.progress.handled < position || (this.segments.size() == 1 && !segment.progress.owned)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Resets every segment from a position: refused, nothing changed, while another
	 * instance runs one; otherwise each segment's thread meets the others at a barrier,
	 * where segment 0's resets the handler once, and each moves its checkpoint.
	 */
	void reset(long fromPosition) {
		if (this.segments.size() == 1) {
			this.segments.get(0).commands.reset(fromPosition);
			return;
		}
		List<ProcessorSegment> elsewhere = this.segments.stream().filter((s) -> !s.progress.owned).toList();
		if (!elsewhere.isEmpty()) {
			throw new IllegalStateException("Processor '" + this.name + "' was not reset: its segments "
					+ elsewhere.stream().map(ProcessorSegment::index).toList()
					+ " run on other instances; stop those (or reset where every segment runs)");
		}
		ResetBarrier barrier = new ResetBarrier(this.name, this.segments.size());
		List<CompletableFuture<@Nullable Void>> done = new ArrayList<>();
		for (ProcessorSegment segment : this.segments) {
			done.add(segment.commands.submitReset(fromPosition, barrier));
		}
		RuntimeException failed = null;
		for (int i = 0; i < done.size(); i++) {
			try {
				this.segments.get(i).commands.await(done.get(i));
			}
			catch (RuntimeException ex) {
				if (failed == null) {
					failed = ex;
				}
			}
		}
		if (failed != null) {
			throw failed;
		}
	}

}
