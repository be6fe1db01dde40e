package dev.eventstore.spring.boot.ui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.Subscription;
import dev.eventstore.processor.Processor;
import dev.eventstore.spring.boot.processor.EventProcessors;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The stream browser: one read-only page (plain HTML, CSS and JavaScript from the jar)
 * and the small JSON API behind it, under a path of the application's choosing. It
 * searches streams by prefix, shows a stream's or the log's events page by page with
 * their data and metadata, follows new events live (server-sent events, fed by a catch-up
 * subscription on a thread of its own, so a slow browser never holds up an append), and
 * shows the processors' state and lag. Everything a browser shows is set as text, never
 * as HTML.
 *
 * @since 0.2.0
 */
public final class EventStoreUi {

	private static final int LIMIT = 50;

	private final EventStore store;

	private final @Nullable EventProcessors processors;

	private final String page;

	public EventStoreUi(EventStore store, @Nullable EventProcessors processors) {
		this.store = store;
		this.processors = processors;
		try (InputStream in = EventStoreUi.class.getResourceAsStream("index.html")) {
			this.page = new String(java.util.Objects.requireNonNull(in, "index.html").readAllBytes(),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the stream browser's page", ex);
		}
	}

	/**
	 * The page and its API under a path.
	 * @param path the path, e.g. {@code /eventstore}
	 * @return the routes
	 */
	public RouterFunction<ServerResponse> routes(String path) {
		String base = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
		return RouterFunctions.route()
			.GET(base, (request) -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).body(this.page))
			.GET(base + "/api/status", (request) -> json(statusBody()))
			.GET(base + "/api/streams", this::streams)
			.GET(base + "/api/streams/{id}", this::stream)
			.GET(base + "/api/events", this::events)
			.GET(base + "/api/processors", (request) -> json(processorRows()))
			.GET(base + "/api/live", this::live)
			.build();
	}

	private Map<String, Object> statusBody() {
		var status = this.store.status();
		return Map.of(
				"journal", status.journal().startsWith("postgresql ")
						? "postgresql table " + status.details().get("table") : status.journal(),
				"lastPosition", status.lastPosition());
	}

	private ServerResponse streams(ServerRequest request) {
		List<String> ids = this.store.streamIds(request.param("prefix").orElse(""),
				request.param("after").filter((a) -> !a.isEmpty()).orElse(null), limit(request));
		return json(Map.of("streams", ids, "next", (ids.size() == limit(request)) ? ids.get(ids.size() - 1) : ""));
	}

	private ServerResponse stream(ServerRequest request) {
		String id = request.pathVariable("id");
		long from = number(request.param("from"), 1);
		List<StoredEvent> events = this.store.readStream(id, Math.max(1, from), limit(request));
		return json(page(events, (events.size() == limit(request)) ? events.get(events.size() - 1).version() + 1 : -1));
	}

	private ServerResponse events(ServerRequest request) {
		long from = number(request.param("from"), 1);
		List<StoredEvent> events = this.store.readAll(Math.max(1, from), limit(request));
		return json(
				page(events, (events.size() == limit(request)) ? events.get(events.size() - 1).position() + 1 : -1));
	}

	private static Map<String, Object> page(List<StoredEvent> events, long next) {
		java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
		body.put("events", events);
		body.put("next", (next > 0) ? next : null);
		return body;
	}

	private List<Map<String, Object>> processorRows() {
		if (this.processors == null) {
			return List.of();
		}
		return this.processors.all()
			.stream()
			.map(Processor::status)
			.map((s) -> Map.<String, Object>of("name", s.name(), "state", s.state().name(), "checkpoint",
					s.checkpoint(), "lag", s.lag()))
			.toList();
	}

	private ServerResponse live(ServerRequest request) {
		return ServerResponse.sse((sse) -> {
			// A catch-up subscription delivers on a thread of its own: a slow browser
			// delays only itself.
			// A comment first, so the browser sees the stream open before any event.
			sse.comment("following events from position " + (this.store.lastPosition() + 1));
			Subscription[] subscription = new Subscription[1];
			subscription[0] = this.store.subscribe(this.store.lastPosition() + 1, (event) -> {
				try {
					sse.event("event").data(event);
				}
				catch (IOException | RuntimeException ex) {
					subscription[0].close();
				}
			});
			sse.onComplete(() -> subscription[0].close());
			sse.onTimeout(() -> subscription[0].close());
			sse.onError((ex) -> subscription[0].close());
		}, java.time.Duration.ofMinutes(30));
	}

	private static int limit(ServerRequest request) {
		return (int) Math.min(1_000, Math.max(1, number(request.param("limit"), LIMIT)));
	}

	private static long number(Optional<String> value, long fallback) {
		try {
			return value.map(Long::parseLong).orElse(fallback);
		}
		catch (NumberFormatException ex) {
			throw new org.springframework.web.server.ResponseStatusException(HttpStatus.BAD_REQUEST,
					"'" + value.get() + "' is not a number");
		}
	}

	private static ServerResponse json(Object body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(body);
	}

}
