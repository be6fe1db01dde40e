package dev.eventstore.journal.file;

import java.time.Instant;
import java.util.List;

import dev.eventstore.AppendCondition;
import dev.eventstore.AppendResult;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.journal.support.GroupCommitter;
import org.jspecify.annotations.Nullable;

/**
 * One caller's append on its way through a file journal's group commit: what it asks for,
 * its encoded lines once written, and what it stored. Written by the group's writer only.
 */
final class AppendRequest extends GroupCommitter.Request {

	final String streamId;

	final List<NewEvent> events;

	final ExpectedVersion expected;

	final @Nullable AppendCondition condition;

	final Instant timestamp;

	final LineEncoder.Bodies bodies;

	int[] lineStarts = new int[0];

	int end;

	AppendResult stored = AppendResult.stored(List.of());

	AppendRequest(String streamId, List<NewEvent> events, ExpectedVersion expected, @Nullable AppendCondition condition,
			Instant timestamp, LineEncoder.Bodies bodies) {
		this.streamId = streamId;
		this.events = events;
		this.expected = expected;
		this.condition = condition;
		this.timestamp = timestamp;
		this.bodies = bodies;
	}

}
