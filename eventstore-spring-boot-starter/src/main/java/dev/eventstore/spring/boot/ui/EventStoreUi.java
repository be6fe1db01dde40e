package dev.eventstore.spring.boot.ui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.Subscription;
import dev.eventstore.processor.ParkedEvent;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorStatus;
import dev.eventstore.spring.boot.processor.EventProcessors;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ResponseStatusException;
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
 * shows the processors' state and lag, their segments with owners, and their parked
 * events. Everything a browser shows is set as text, never as HTML. Live streams end when
 * the application stops, before the web server's graceful shutdown would wait for them.
 *
 * @since 0.2.0
 */
public final class EventStoreUi implements SmartLifecycle {

	private static final int LIMIT = 50;

	/** How often an open live stream is sent a comment by default. */
	public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

	/** The most live streams open at once by default. */
	public static final int DEFAULT_MAX_LIVE_STREAMS = 32;

	private final Duration heartbeat;

	/** One a live stream, each following events on a thread of its own. */
	private final Semaphore liveSlots;

	private final int maxLiveStreams;

	private @Nullable ScheduledExecutorService heartbeats;

	private final EventStore store;

	private static final int MAX_PARKED_SHOWN = 20;

	private final @Nullable EventProcessors processors;

	private final String page;

	/** The open live streams, ended when the application stops. */
	private final Set<Live> live = ConcurrentHashMap.newKeySet();

	private volatile boolean running;

	public EventStoreUi(EventStore store, @Nullable EventProcessors processors) {
		this(store, processors, DEFAULT_HEARTBEAT, DEFAULT_MAX_LIVE_STREAMS);
	}

	/**
	 * @param store the store shown
	 * @param processors its processors, if any
	 * @param heartbeat how often an open live stream is sent a comment, so that a browser
	 * that went away is noticed while no event is appended
	 * @param maxLiveStreams the most live streams open at once; more are answered 503
	 */
	public EventStoreUi(EventStore store, @Nullable EventProcessors processors, Duration heartbeat,
			int maxLiveStreams) {
		if (heartbeat.isNegative() || heartbeat.isZero()) {
			throw new IllegalArgumentException("the live streams' heartbeat must be positive, was " + heartbeat);
		}
		if (maxLiveStreams < 1) {
			throw new IllegalArgumentException("at least 1 live stream must be allowed, not " + maxLiveStreams);
		}
		this.heartbeat = heartbeat;
		this.maxLiveStreams = maxLiveStreams;
		this.liveSlots = new Semaphore(maxLiveStreams);
		this.store = store;
		this.processors = processors;
		try (InputStream in = EventStoreUi.class.getResourceAsStream("index.html")) {
			this.page = new String(Objects.requireNonNull(in, "index.html").readAllBytes(), StandardCharsets.UTF_8);
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
			.GET(base + "/api/stream", this::stream)
			.GET(base + "/api/streams/{*id}", this::stream)
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

	/**
	 * A stream's events: its id from the query ({@code /api/stream?id=…}, any id) or the
	 * rest of the path ({@code /api/streams/a/b}).
	 */
	private ServerResponse stream(ServerRequest request) {
		String id = request.param("id").orElseGet(() -> {
			String rest = request.pathVariables().get("id");
			return (rest == null || !rest.startsWith("/")) ? rest : rest.substring(1);
		});
		if (id == null) {
			return badRequest("Which stream? Give its id: api/stream?id=… or api/streams/{id}");
		}
		long from = number(request.param("from"), 1);
		List<StoredEvent> events;
		try {
			events = this.store.readStream(id, Math.max(1, from), limit(request));
		}
		catch (IllegalArgumentException ex) {
			// An id no stream can have: blank, or longer than the store allows.
			return badRequest(ex.getMessage());
		}
		return json(page(events, (events.size() == limit(request)) ? events.get(events.size() - 1).version() + 1 : -1));
	}

	private static ServerResponse badRequest(@Nullable String message) {
		return ServerResponse.badRequest()
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("status", 400, "error", String.valueOf(message)));
	}

	private ServerResponse events(ServerRequest request) {
		long from = number(request.param("from"), 1);
		List<StoredEvent> events = this.store.readAll(Math.max(1, from), limit(request));
		return json(
				page(events, (events.size() == limit(request)) ? events.get(events.size() - 1).position() + 1 : -1));
	}

	private static Map<String, Object> page(List<StoredEvent> events, long next) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("events", events);
		body.put("next", (next > 0) ? next : null);
		return body;
	}

	private List<Map<String, Object>> processorRows() {
		if (this.processors == null) {
			return List.of();
		}
		List<Map<String, Object>> rows = new ArrayList<>();
		for (Processor processor : this.processors.all()) {
			ProcessorStatus status = processor.status();
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("name", status.name());
			row.put("state", status.state().name());
			row.put("checkpoint", status.checkpoint());
			row.put("lag", status.lag());
			row.put("segments", status.segments().stream().map((s) -> {
				Map<String, Object> segment = new LinkedHashMap<>();
				segment.put("segment", s.segment());
				segment.put("owner", s.owner());
				segment.put("state", s.state().name());
				segment.put("checkpoint", s.checkpoint());
				segment.put("lag", s.lag());
				return segment;
			}).toList());
			List<ParkedEvent> parked = (status.parked() > 0) ? processor.parked() : List.of();
			row.put("parkedCount", status.parked());
			// The first few: the panel is an overview; the endpoint lists them all.
			row.put("parked",
					parked.stream()
						.limit(MAX_PARKED_SHOWN)
						.map((e) -> Map.<String, Object>of("position", e.position(), "streamId", e.streamId(), "type",
								e.type(), "attempts", e.attempts(), "error", e.error()))
						.toList());
			rows.add(row);
		}
		return rows;
	}

	private ServerResponse live(ServerRequest request) {
		if (!this.liveSlots.tryAcquire()) {
			return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("status", 503, "error", "All " + this.maxLiveStreams + " live streams are open; the page "
						+ "polls instead (eventstore.ui.max-live-streams)"));
		}
		return ServerResponse.sse((sse) -> {
			Live live = new Live(sse);
			this.live.add(live);
			sse.onComplete(live::end);
			sse.onTimeout(live::end);
			sse.onError((ex) -> live.end());
			long from = this.store.lastPosition() + 1;
			try {
				// A comment sent at once, so the browser sees the stream open before any
				// event.
				synchronized (live.writing) {
					sse.comment("following events from position " + from).send();
				}
			}
			catch (IOException ex) {
				live.end();
				return;
			}
			if (!this.running) {
				live.complete();
				return;
			}
			live.follow(from);
		}, Duration.ofMinutes(30));
	}

	/**
	 * Starts serving live streams.
	 */
	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "eventstore-ui-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
		long period = this.heartbeat.toMillis();
		executor.scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
		this.heartbeats = executor;
		this.running = true;
	}

	/**
	 * Sends each open live stream a comment: writing to a connection the browser closed
	 * fails, which ends the stream and frees its thread, even while nothing is appended.
	 */
	private void heartbeat() {
		for (Live stream : List.copyOf(this.live)) {
			stream.heartbeat();
		}
	}

	/**
	 * Ends every open live stream: a browser following events would otherwise hold the
	 * web server's graceful shutdown for its whole timeout, as a server-sent-event stream
	 * never ends by itself. Runs before that shutdown (a higher phase stops first); the
	 * page reconnects to the next instance.
	 */
	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService executor = this.heartbeats;
		if (executor != null) {
			executor.shutdownNow();
			this.heartbeats = null;
		}
		for (Live stream : List.copyOf(this.live)) {
			stream.complete();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return DEFAULT_PHASE;
	}

	/**
	 * One browser's live stream, fed by a catch-up subscription on a thread of its own,
	 * so a slow browser delays only itself.
	 */
	private final class Live {

		private final ServerResponse.SseBuilder sse;

		/** Held while writing: events, heartbeats and the end come from three threads. */
		private final Object writing = new Object();

		private @Nullable Subscription subscription;

		private boolean ended;

		Live(ServerResponse.SseBuilder sse) {
			this.sse = sse;
		}

		void heartbeat() {
			try {
				synchronized (this.writing) {
					this.sse.comment("heartbeat").send();
				}
			}
			catch (IOException | RuntimeException ex) {
				end();
			}
		}

		void follow(long from) {
			Subscription started = EventStoreUi.this.store.subscribe(from, this::send);
			boolean endedMeanwhile;
			synchronized (this) {
				endedMeanwhile = this.ended;
				if (!endedMeanwhile) {
					this.subscription = started;
				}
			}
			if (endedMeanwhile) {
				started.close();
			}
		}

		private void send(StoredEvent event) {
			try {
				synchronized (this.writing) {
					this.sse.event("event").data(event);
				}
			}
			catch (IOException | RuntimeException ex) {
				end();
			}
		}

		/** Stops feeding the stream; the request has ended or is ending. */
		void end() {
			Subscription closing;
			synchronized (this) {
				if (this.ended) {
					return;
				}
				this.ended = true;
				closing = this.subscription;
				this.subscription = null;
			}
			EventStoreUi.this.live.remove(this);
			EventStoreUi.this.liveSlots.release();
			if (closing != null) {
				closing.close();
			}
		}

		/** Ends the stream from the server's side. */
		void complete() {
			end();
			synchronized (this.writing) {
				this.sse.complete();
			}
		}

	}

	private static int limit(ServerRequest request) {
		return (int) Math.min(1_000, Math.max(1, number(request.param("limit"), LIMIT)));
	}

	private static long number(Optional<String> value, long fallback) {
		try {
			return value.map(Long::parseLong).orElse(fallback);
		}
		catch (NumberFormatException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'" + value.get() + "' is not a number");
		}
	}

	private static ServerResponse json(Object body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(body);
	}

}
