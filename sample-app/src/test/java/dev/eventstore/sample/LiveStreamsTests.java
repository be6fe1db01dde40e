package dev.eventstore.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stream browser's live streams: a browser that went away frees its stream's thread
 * while nothing is appended, and the streams open at once are bounded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"eventstore.ui.path=/browser", "eventstore.ui.heartbeat=200ms", "eventstore.ui.max-live-streams=12" })
class LiveStreamsTests extends SampleEndToEndTest {

	@Test
	void abandonedLiveStreamsFreeTheirThreadsWithoutAnAppendAndTheOpenOnesAreBounded() throws Exception {
		Set<String> before = followingThreads();
		List<Socket> clients = new ArrayList<>();
		Set<String> ours = new HashSet<>();
		try {
			for (int i = 0; i < 12; i++) {
				clients.add(openLiveStream());
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				ours.clear();
				ours.addAll(followingThreads());
				ours.removeAll(before);
				return ours.size() >= 12;
			});
			assertThat(status(liveRequest())).isEqualTo(503);
		}
		finally {
			for (Socket client : clients) {
				client.close();
			}
		}
		// Nothing is appended: only the heartbeats can notice the closed connections.
		await().atMost(Duration.ofSeconds(20)).until(() -> followingThreads().stream().noneMatch(ours::contains));
		List<Socket> again = new ArrayList<>();
		try {
			for (int i = 0; i < 12; i++) {
				again.add(openLiveStream());
			}
		}
		finally {
			for (Socket client : again) {
				client.close();
			}
		}
	}

	private Socket openLiveStream() throws IOException {
		Socket socket = liveRequest();
		String head = read(socket, "following events");
		assertThat(head).startsWith("HTTP/1.1 200").contains("following events from position");
		return socket;
	}

	private Socket liveRequest() throws IOException {
		Socket socket = new Socket("localhost", this.port);
		socket.setSoTimeout(10_000);
		OutputStream out = socket.getOutputStream();
		out.write(("GET /browser/api/live HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return socket;
	}

	private static int status(Socket socket) throws IOException {
		try (socket) {
			String head = read(socket, "\r\n");
			return Integer.parseInt(head.substring(9, 12));
		}
	}

	/** Reads until the text has arrived. */
	private static String read(Socket socket, String until) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder read = new StringBuilder();
		byte[] buffer = new byte[1024];
		while (!read.toString().contains(until)) {
			int n = in.read(buffer);
			if (n < 0) {
				break;
			}
			read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
		}
		return read.toString();
	}

	/** The threads following the log for a live stream (one each), by name. */
	private static Set<String> followingThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((name) -> name.startsWith("eventstore-catchup-"))
			.collect(Collectors.toSet());
	}

}
