package dev.eventstore.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.processor.Processor;
import dev.eventstore.sample.cart.CartEvents.CartCheckedOut;
import dev.eventstore.sample.cart.CartEvents.ItemAdded;
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
 * The sample, killed with SIGKILL while its {@code receipts} processor writes receipts,
 * then started again: every checked-out cart has exactly one whole receipt.
 */
class ReceiptsKillTests {

	private static final int CARTS = 600;

	@TempDir
	Path dir;

	@Test
	void everyCheckoutHasExactlyOneReceiptAfterKillsAndARestart() throws Exception {
		Path journal = this.dir.resolve("events.ndjson");
		Path receipts = this.dir.resolve("receipts");
		try (EventStore store = EventStore.open(journal)) {
			for (int i = 0; i < CARTS; i++) {
				store.append("cart-k" + i, NewEvent.of(new ItemAdded("apple", 1 + i % 3)));
				store.append("cart-k" + i, NewEvent.of(new CartCheckedOut(List.of(new Line("apple", 1 + i % 3)))));
			}
		}
		List<String> args = List.of("--server.port=0", "--eventstore.persist-path=" + journal,
				"--sample.receipts-dir=" + receipts, "--spring.main.banner-mode=off", "--logging.level.root=WARN");
		int killedMidway = 0;
		for (int round = 0; round < 3; round++) {
			int before = count(receipts);
			Process child = start(args);
			try {
				// The receipts' 4 segments may have written every receipt in an earlier
				// round: then there is nothing left to interrupt.
				await().atMost(Duration.ofSeconds(60))
					.until(() -> count(receipts) > before || before == CARTS || !child.isAlive());
				Thread.sleep(ThreadLocalRandom.current().nextInt(0, 150));
			}
			finally {
				child.destroyForcibly();
				assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
			}
			killedMidway += (count(receipts) < CARTS) ? 1 : 0;
		}
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
			.run(args.toArray(String[]::new))) {
			Processor processor = app.getBean(EventProcessors.class).find("receipts").orElseThrow();
			assertThat(processor.awaitHandled(2L * CARTS, Duration.ofSeconds(60))).isTrue();
		}
		JsonMapper json = JsonMapper.builder().build();
		List<String> carts = new ArrayList<>();
		try (Stream<Path> files = Files.list(receipts)) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".json")).toList()) {
				JsonNode receipt = json.readTree(Files.readAllBytes(file));
				assertThat(file.getFileName().toString()).isEqualTo(receipt.get("cartId").asString() + ".json");
				carts.add(receipt.get("cartId").asString());
			}
		}
		assertThat(carts).hasSize(CARTS).doesNotHaveDuplicates();
		assertThat(killedMidway).as("kills that landed while receipts were being written").isPositive();
	}

	private static int count(Path receipts) throws Exception {
		if (!Files.isDirectory(receipts)) {
			return 0;
		}
		try (Stream<Path> files = Files.list(receipts)) {
			return (int) files.filter((f) -> f.toString().endsWith(".json")).count();
		}
	}

	private static Process start(List<String> args) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SampleApplication.class.getName());
		command.addAll(args);
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
	}

}
