package dev.eventstore.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.processor.Processor;
import dev.eventstore.sample.cart.CartEvents.CartCheckedOut;
import dev.eventstore.sample.cart.CartEvents.Line;
import dev.eventstore.spring.boot.processor.EventProcessors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user runs it, in a JVM of its own, killed with SIGKILL while clients
 * check carts out over HTTP (some of the last 10 units of {@code gold-1}, each with a new
 * customer's name and e-mail) and erase customers; then started again, in this process.
 * Every checkout and erasure it acknowledged holds: the checkout is stored, no more
 * {@code gold-1} was sold than the stock, an erased customer's name and e-mail are in no
 * file under the data directory, each erasure is announced once, and every checked-out
 * cart has one receipt. Three rounds; thirty with {@code -Deventstore.torture=true}.
 */
class CheckoutsUnderKillTests {

	private static final int ROUNDS = Boolean.getBoolean("eventstore.torture") ? 30 : 3;

	private static final int CLIENTS = 6;

	@TempDir
	Path dir;

	/**
	 * What the sample acknowledged: carts checked out (and by whom), customers erased.
	 */
	private final Map<String, String> checkedOut = new ConcurrentHashMap<>();

	private final Set<String> erased = ConcurrentHashMap.newKeySet();

	private final Set<String> refused = ConcurrentHashMap.newKeySet();

	@Test
	void whatTheSampleAcknowledgedHoldsAfterKillsUnderLoad() throws Exception {
		Path journal = this.dir.resolve("data").resolve("events.ndjson");
		Path receipts = this.dir.resolve("data").resolve("receipts");
		List<String> args = List.of("--eventstore.persist-path=" + journal, "--sample.receipts-dir=" + receipts,
				"--spring.main.banner-mode=off", "--logging.level.root=WARN");
		for (int round = 0; round < ROUNDS; round++) {
			int port = freePort();
			Process child = start(args, port);
			HttpApi api = new HttpApi(port);
			AtomicBoolean stop = new AtomicBoolean();
			ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
			try {
				await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> up(api));
				for (int c = 0; c < CLIENTS; c++) {
					String prefix = "r" + round + "c" + c;
					clients.submit(() -> shop(api, prefix, stop));
				}
				Thread.sleep(ThreadLocalRandom.current().nextLong(1_000, 2_500));
			}
			finally {
				child.destroyForcibly();
				assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
				stop.set(true);
				clients.shutdown();
				assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
			}
		}
		assertThat(this.checkedOut).as("checkouts acknowledged before the kills").isNotEmpty();
		assertThat(this.erased).as("erasures acknowledged before the kills").isNotEmpty();

		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
			.run(withPort(args, 0).toArray(String[]::new))) {
			EventStore store = app.getBean(EventStore.class);
			Processor processor = app.getBean(EventProcessors.class).find("receipts").orElseThrow();
			assertThat(processor.awaitHandled(store.lastPosition(), Duration.ofSeconds(60))).isTrue();

			int gold = 0;
			Set<String> stored = new HashSet<>();
			for (StoredEvent event : store.readAll(1, Integer.MAX_VALUE)) {
				if (event.type().equals("CartCheckedOut")) {
					stored.add(event.streamId().substring("cart-".length()));
					for (Line line : event.payload(CartCheckedOut.class).lines()) {
						gold += line.sku().equals("gold-1") ? line.quantity() : 0;
					}
				}
			}
			assertThat(stored).as("every acknowledged checkout is stored").containsAll(this.checkedOut.keySet());
			assertThat(gold).as("gold-1 sold, of a stock of 10").isLessThanOrEqualTo(10);
			if (!this.refused.isEmpty()) {
				assertThat(gold).as("refused only once sold out").isEqualTo(10);
			}
			List<String> notices = store.readStream(PersonalDataErased.STREAM)
				.stream()
				.map((event) -> event.payload(PersonalDataErased.class).subject())
				.toList();
			assertThat(notices).as("each erasure announced once").doesNotHaveDuplicates();
			assertThat(notices.size()).as("every acknowledged erasure announced")
				.isGreaterThanOrEqualTo(this.erased.size());

			JsonMapper json = JsonMapper.builder().build();
			Set<String> receipted = new HashSet<>();
			try (Stream<Path> files = Files.list(receipts)) {
				for (Path file : files.filter((f) -> f.toString().endsWith(".json")).toList()) {
					JsonNode checkout = json.readTree(Files.readAllBytes(file)).get("checkout");
					String customer = checkout.get("customerId").asString();
					if (this.erased.contains(customer)) {
						assertThat(checkout.get("name").isNull()).as("the receipt of erased " + customer).isTrue();
					}
					receipted.add(file.getFileName().toString().replace(".json", ""));
				}
			}
			assertThat(receipted).as("one receipt a checked-out cart").isEqualTo(stored);
		}
		String everyFile = everyFile(this.dir.resolve("data"));
		for (String customer : this.erased) {
			assertThat(everyFile).as("the data of erased " + customer)
				.doesNotContain("\"" + name(customer) + "\"")
				.doesNotContain("\"" + email(customer) + "\"");
		}
		String kept = this.checkedOut.values()
			.stream()
			.filter((c) -> !this.erased.contains(c))
			.findFirst()
			.orElseThrow();
		assertThat(everyFile).as("a customer not erased: on the receipt").contains("\"" + name(kept) + "\"");
	}

	/**
	 * A client: a cart, an item, a checkout by a new customer, now and then an erasure.
	 */
	private void shop(HttpApi api, String prefix, AtomicBoolean stop) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int i = 0; !stop.get(); i++) {
			String cart = prefix + "-" + i;
			String customer = "cust-" + cart;
			try {
				String sku = random.nextInt(3) == 0 ? "gold-1" : "apple";
				if (api.addItem(cart, sku, 1 + random.nextInt(2)).getStatusCode().value() != 200) {
					continue;
				}
				int status = api
					.post("/carts/" + cart + "/checkout",
							Map.of("customerId", customer, "name", name(customer), "email", email(customer)))
					.getStatusCode()
					.value();
				if (status == 409) {
					this.refused.add(cart);
					continue;
				}
				if (status != 200) {
					continue;
				}
				this.checkedOut.put(cart, customer);
				if (random.nextInt(3) == 0
						&& api.delete("/customers/" + customer + "/personal-data").getStatusCode().value() == 204) {
					this.erased.add(customer);
				}
			}
			catch (RuntimeException ex) {
				// The server is gone (killed): nothing more is acknowledged this round.
				return;
			}
		}
	}

	private static String name(String customer) {
		return "Name of " + customer;
	}

	private static String email(String customer) {
		return customer + "@example.org";
	}

	private static boolean up(HttpApi api) {
		try {
			return api.get("/actuator/health").getStatusCode().value() == 200;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static String everyFile(Path root) throws IOException {
		StringBuilder contents = new StringBuilder();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				contents.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).append('\n');
			}
		}
		return contents.toString();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static List<String> withPort(List<String> args, int port) {
		List<String> all = new ArrayList<>(args);
		all.add("--server.port=" + port);
		return all;
	}

	private static Process start(List<String> args, int port) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SampleApplication.class.getName());
		command.addAll(withPort(args, port));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
	}

}
