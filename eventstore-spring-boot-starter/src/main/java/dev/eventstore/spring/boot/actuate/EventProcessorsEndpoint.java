package dev.eventstore.spring.boot.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.eventstore.processor.ParkedEvent;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorFailure;
import dev.eventstore.processor.ProcessorState;
import dev.eventstore.processor.ProcessorStatus;
import dev.eventstore.processor.SegmentStatus;
import dev.eventstore.spring.boot.processor.EventProcessors;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code eventprocessors} actuator endpoint: {@code GET /actuator/eventprocessors}
 * lists every durable processor (name, state, checkpoint, lag, last error, failure);
 * {@code GET /actuator/eventprocessors/{name}} shows one; and {@code POST
 * /actuator/eventprocessors/{name}/{action}} with action {@code pause}, {@code resume},
 * {@code skip} (the failed event) or {@code reset} (body {@code {"position": p}}, the
 * first position to deliver again, 1 when left out) operates it and answers its new
 * state. Unknown processor: 404; bad action or reset position: 400; an action the
 * processor's state forbids (skip when not failed, any command on an instance that does
 * not own it): 409. {@code GET /actuator/eventprocessors/{name}/parked} lists the parked
 * events, and {@code POST /actuator/eventprocessors/{name}/parked/{position}/retry} (or
 * {@code discard}) acts on one: unknown position 404, one held behind another of its
 * stream or failing again 409. Exposed over HTTP only when the application includes it in
 * {@code management.endpoints.web.exposure.include}.
 *
 * @since 0.2.0
 */
@Endpoint(id = "eventprocessors")
public class EventProcessorsEndpoint {

	private final EventProcessors processors;

	public EventProcessorsEndpoint(EventProcessors processors) {
		this.processors = processors;
	}

	@ReadOperation
	public ProcessorsDescriptor processors() {
		return new ProcessorsDescriptor(this.processors.all().stream().map(ProcessorDescriptor::of).toList());
	}

	@ReadOperation
	public WebEndpointResponse<Object> processor(@Selector String name) {
		Optional<Processor> processor = this.processors.find(name);
		if (processor.isEmpty()) {
			return notFound(name);
		}
		return new WebEndpointResponse<>(ProcessorDescriptor.of(processor.get()));
	}

	/**
	 * {@code POST /actuator/eventprocessors/{name}} with a JSON body {@code {"action":
	 * "pause|resume|skip|reset", "position": p}}.
	 */
	@WriteOperation
	public WebEndpointResponse<Object> command(@Selector String name, String action, @Nullable Long position) {
		return run(name, action, position);
	}

	/** {@code POST /actuator/eventprocessors/{name}/{action}}, no body needed. */
	@WriteOperation
	public WebEndpointResponse<Object> operate(@Selector String name, @Selector String action) {
		return run(name, action, null);
	}

	/**
	 * {@code GET /actuator/eventprocessors/{name}/parked}: the processor's parked events,
	 * by position, each with the position it waits behind (null for the first of its
	 * stream).
	 */
	@ReadOperation
	public WebEndpointResponse<Object> part(@Selector String name, @Selector String part) {
		Optional<Processor> processor = this.processors.find(name);
		if (processor.isEmpty()) {
			return notFound(name);
		}
		if (!"parked".equals(part)) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND,
					"No '" + part + "' under processor '" + name + "': use /" + name + "/parked");
		}
		return new WebEndpointResponse<>(ParkedDescriptor.of(name, processor.get().parked()));
	}

	/**
	 * {@code POST /actuator/eventprocessors/{name}/parked/{position}/retry} or
	 * {@code .../discard}: retries or discards one parked event (the first of its
	 * stream), and answers the processor's new state.
	 */
	@WriteOperation
	public WebEndpointResponse<Object> parkedCommand(@Selector String name, @Selector String part,
			@Selector String position, @Selector String action) {
		Optional<Processor> found = this.processors.find(name);
		if (found.isEmpty()) {
			return notFound(name);
		}
		if (!"parked".equals(part)) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND,
					"No '" + part + "' under processor '" + name + "': use /" + name + "/parked/{position}/{action}");
		}
		long at;
		try {
			at = Long.parseLong(position);
		}
		catch (NumberFormatException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"A parked event's position is a number, was '" + position + "'");
		}
		Processor processor = found.get();
		try {
			switch (action.toLowerCase(Locale.ROOT)) {
				case "retry" -> processor.retryParked(at);
				case "discard" -> processor.discardParked(at);
				default -> {
					return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Unknown action '" + action
							+ "' for a parked event of processor '" + name + "': use retry or discard");
				}
			}
		}
		catch (NoSuchElementException ex) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, ex.getMessage());
		}
		catch (IllegalArgumentException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage());
		}
		catch (IllegalStateException ex) {
			return error(409, ex.getMessage());
		}
		return new WebEndpointResponse<>(ProcessorDescriptor.of(processor));
	}

	/** {@code POST /actuator/eventprocessors/{name}/reset/{position}}, no body needed. */
	@WriteOperation
	public WebEndpointResponse<Object> operateAt(@Selector String name, @Selector String action,
			@Selector long position) {
		if (!"reset".equalsIgnoreCase(action)) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"Only reset takes a position; use /" + name + "/" + action + " without one");
		}
		return run(name, action, position);
	}

	private WebEndpointResponse<Object> run(String name, String action, @Nullable Long position) {
		Optional<Processor> found = this.processors.find(name);
		if (found.isEmpty()) {
			return notFound(name);
		}
		Processor processor = found.get();
		try {
			switch (action.toLowerCase(Locale.ROOT)) {
				case "pause" -> processor.pause();
				case "resume" -> processor.resume();
				case "skip" -> processor.skipFailed();
				case "reset" -> processor.reset((position != null) ? position : 1);
				default -> {
					return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Unknown action '" + action
							+ "' for processor '" + name + "': use pause, resume, skip or reset");
				}
			}
		}
		catch (IllegalArgumentException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage());
		}
		catch (IllegalStateException ex) {
			return error(409, ex.getMessage());
		}
		return new WebEndpointResponse<>(ProcessorDescriptor.of(processor));
	}

	private WebEndpointResponse<Object> notFound(String name) {
		return error(WebEndpointResponse.STATUS_NOT_FOUND, "No processor is named '" + name + "'; the processors are "
				+ this.processors.all().stream().map(Processor::name).toList());
	}

	private static WebEndpointResponse<Object> error(int status, @Nullable String message) {
		return new WebEndpointResponse<>(Map.of("status", status, "error", String.valueOf(message)), status);
	}

	/** Every processor. */
	public record ProcessorsDescriptor(List<ProcessorDescriptor> processors) {

	}

	/**
	 * One processor as the endpoint shows it; {@code lastError} and {@code failure} are
	 * shown even when null.
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record ProcessorDescriptor(String name, ProcessorState state, long checkpoint, long lastPosition, long lag,
			@Nullable String lastError, @Nullable FailureDescriptor failure, List<SegmentDescriptor> segments,
			int parked) {

		static ProcessorDescriptor of(Processor processor) {
			ProcessorStatus status = processor.status();
			ProcessorFailure failure = status.failure();
			return new ProcessorDescriptor(status.name(), status.state(), status.checkpoint(), status.lastPosition(),
					status.lag(), status.lastError(), (failure != null) ? FailureDescriptor.of(failure) : null,
					status.segments().stream().map(SegmentDescriptor::of).toList(), status.parked());
		}

	}

	/**
	 * One segment of a processor: the instance that runs it (null when none does or it is
	 * not known), its state, checkpoint and lag.
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record SegmentDescriptor(int segment, @Nullable String owner, ProcessorState state, long checkpoint,
			long lag) {

		static SegmentDescriptor of(SegmentStatus status) {
			return new SegmentDescriptor(status.segment(), status.owner(), status.state(), status.checkpoint(),
					status.lag());
		}

	}

	/** A processor's parked events. */
	public record ParkedDescriptor(String processor, List<ParkedEventDescriptor> parked) {

		static ParkedDescriptor of(String processor, List<ParkedEvent> parked) {
			Map<String, Long> firsts = new HashMap<>();
			List<ParkedEventDescriptor> events = new ArrayList<>();
			for (ParkedEvent event : parked) {
				Long first = firsts.putIfAbsent(event.streamId(), event.position());
				events.add(new ParkedEventDescriptor(event.position(), event.streamId(), event.type(), event.attempts(),
						event.error(), event.parkedAt(), first));
			}
			return new ParkedDescriptor(processor, events);
		}

	}

	/**
	 * One parked event; {@code heldBehind} is the position of the first parked event of
	 * its stream it waits behind, null when it is that first one.
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record ParkedEventDescriptor(long position, String streamId, String type, int attempts, String error,
			Instant parkedAt, @Nullable Long heldBehind) {

	}

	/** The event or checkpoint a failed processor stopped at. */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record FailureDescriptor(long position, @Nullable String streamId, @Nullable String type, String error,
			int attempts, Instant at) {

		static FailureDescriptor of(ProcessorFailure failure) {
			return new FailureDescriptor(failure.position(), failure.streamId(), failure.type(), failure.error(),
					failure.attempts(), failure.at());
		}

	}

}
