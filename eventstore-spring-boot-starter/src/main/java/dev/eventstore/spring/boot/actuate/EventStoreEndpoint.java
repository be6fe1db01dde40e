package dev.eventstore.spring.boot.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreStatus;
import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The read-only {@code eventstore} actuator endpoint, every answer one bounded page:
 * <ul>
 * <li>{@code GET /actuator/eventstore}: the store's status (journal, state, last
 * position, size, fsync policy);</li>
 * <li>{@code GET /actuator/eventstore/streams?prefix=cart-&after=cart-9&limit=100}:
 * stream ids in id order, with the cursor of the next page;</li>
 * <li>{@code GET /actuator/eventstore/streams/{id}?from=1&limit=100}: a stream's events
 * (an id may hold {@code /}); {@code GET /actuator/eventstore/streams?id=…} takes any id,
 * URL-encoded, as a query parameter;</li>
 * <li>{@code GET /actuator/eventstore/events?from=1&limit=100}: the log, by
 * position;</li>
 * <li>{@code GET /actuator/eventstore/events/{position}}: one event.</li>
 * </ul>
 * Pages hold at most 1,000 items (100 by default). Unknown paths and events answer 404,
 * bad numbers 400. Exposed over HTTP only when the application includes it in
 * {@code management.endpoints.web.exposure.include}; the durable processors have their
 * own, {@code eventprocessors}.
 *
 * @since 0.2.0
 */
@Endpoint(id = "eventstore")
public class EventStoreEndpoint {

	private static final int DEFAULT_LIMIT = 100;

	private static final int MAX_LIMIT = 1_000;

	private final EventStore store;

	public EventStoreEndpoint(EventStore store) {
		this.store = store;
	}

	@ReadOperation
	public Map<String, Object> status() {
		EventStoreStatus status = this.store.status();
		Map<String, Object> body = new LinkedHashMap<>();
		// A PostgreSQL journal's location holds its JDBC URL: show the table instead.
		body.put("journal", status.journal().startsWith("postgresql ")
				? "postgresql table " + status.details().get("table") : status.journal());
		body.put("state", !status.open() ? "CLOSED" : status.healthy() ? "UP" : "FAILING");
		body.put("lastPosition", status.lastPosition());
		if (status.open()) {
			long streams = this.store.streamCount();
			if (streams >= 0) {
				body.put("streams", streams);
			}
		}
		body.put("journalSizeBytes", status.journalSizeBytes());
		status.details().forEach(body::putIfAbsent);
		body.put("links", Map.of("streams", "/actuator/eventstore/streams", "events", "/actuator/eventstore/events",
				"processors", "/actuator/eventprocessors"));
		return body;
	}

	@ReadOperation
	public WebEndpointResponse<Object> section(@Selector String section, @Nullable String id, @Nullable String prefix,
			@Nullable String after, @Nullable Long from, @Nullable Integer limit) {
		int size = size(limit);
		if (size < 0) {
			return badLimit(limit);
		}
		return switch (section) {
			case "streams" -> {
				if (id != null) {
					// Any stream id, whatever its characters, as a query parameter.
					yield stream(id, from, size);
				}
				List<String> ids = this.store.streamIds((prefix != null) ? prefix : "", after, size);
				yield ok(new StreamsPage(ids, (ids.size() == size) ? ids.get(ids.size() - 1) : null));
			}
			case "events" -> {
				long first = (from != null) ? from : 1;
				if (first < 1) {
					yield error(WebEndpointResponse.STATUS_BAD_REQUEST, "from must be at least 1, was " + first);
				}
				List<StoredEvent> events = this.store.readAll(first, size);
				yield ok(new EventsPage(events,
						(events.size() == size) ? events.get(events.size() - 1).position() + 1 : null));
			}
			default -> notFound(section);
		};
	}

	/**
	 * One stream ({@code streams/{id}}, where the id may hold {@code /}) or one event
	 * ({@code events/{position}}).
	 */
	@ReadOperation
	public WebEndpointResponse<Object> item(@Selector String section,
			@Selector(match = Selector.Match.ALL_REMAINING) String[] path, @Nullable Long from,
			@Nullable Integer limit) {
		int size = size(limit);
		if (size < 0) {
			return badLimit(limit);
		}
		String id = String.join("/", path);
		return switch (section) {
			case "streams" -> stream(id, from, size);
			case "events" -> {
				long position;
				try {
					position = Long.parseLong(id);
				}
				catch (NumberFormatException ex) {
					yield error(WebEndpointResponse.STATUS_BAD_REQUEST, "'" + id + "' is not a position");
				}
				List<StoredEvent> events = (position >= 1) ? this.store.readAll(position, 1) : List.of();
				yield events.isEmpty() ? error(WebEndpointResponse.STATUS_NOT_FOUND,
						"No event at position " + position + "; the last position is " + this.store.lastPosition())
						: ok(events.get(0));
			}
			default -> notFound(section);
		};
	}

	private WebEndpointResponse<Object> stream(String id, @Nullable Long from, int size) {
		long first = (from != null) ? from : 1;
		if (first < 1) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "from must be at least 1, was " + first);
		}
		List<StoredEvent> events;
		try {
			events = this.store.readStream(id, first, size);
		}
		catch (IllegalArgumentException ex) {
			// An id no stream can have: blank, or longer than the store allows.
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, String.valueOf(ex.getMessage()));
		}
		if (events.isEmpty() && this.store.streamVersion(id) == 0) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, "No stream '" + id + "'");
		}
		return ok(new StreamPage(id, this.store.streamVersion(id), events,
				(events.size() == size) ? events.get(events.size() - 1).version() + 1 : null));
	}

	private static int size(@Nullable Integer limit) {
		if (limit == null) {
			return DEFAULT_LIMIT;
		}
		return (limit < 1 || limit > MAX_LIMIT) ? -1 : limit;
	}

	private static WebEndpointResponse<Object> badLimit(@Nullable Integer limit) {
		return error(WebEndpointResponse.STATUS_BAD_REQUEST, "limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
	}

	private static WebEndpointResponse<Object> notFound(String section) {
		return error(WebEndpointResponse.STATUS_NOT_FOUND,
				"No '" + section + "' here: use /actuator/eventstore/streams or /actuator/eventstore/events");
	}

	private static WebEndpointResponse<Object> ok(Object body) {
		return new WebEndpointResponse<>(body);
	}

	private static WebEndpointResponse<Object> error(int status, String message) {
		return new WebEndpointResponse<>(Map.of("status", status, "error", message), status);
	}

	/** A page of stream ids and the cursor of the next, null on the last page. */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record StreamsPage(List<String> streams, @Nullable String next) {
	}

	/** A page of the log and the position the next starts at, null on the last page. */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record EventsPage(List<StoredEvent> events, @Nullable Long next) {
	}

	/** A page of one stream and the version the next starts at, null on the last page. */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record StreamPage(String streamId, long version, List<StoredEvent> events, @Nullable Long next) {
	}

}
