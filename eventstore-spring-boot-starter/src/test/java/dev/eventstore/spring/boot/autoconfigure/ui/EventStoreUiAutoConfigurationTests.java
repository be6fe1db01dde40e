package dev.eventstore.spring.boot.autoconfigure.ui;

import java.time.Duration;

import dev.eventstore.spring.boot.autoconfigure.EventStoreProperties;

import dev.eventstore.EventStore;
import dev.eventstore.spring.boot.ui.EventStoreUi;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.function.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EventStoreUiAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventStoreUiAutoConfiguration.class))
		.withBean(EventStore.class, EventStore::inMemory)
		.withBean(dev.eventstore.spring.boot.autoconfigure.EventStoreProperties.class);

	@Test
	void theBrowserIsOffByDefault() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(EventStoreUi.class)
			.doesNotHaveBean(RouterFunction.class));
	}

	@Test
	void enabledItServesItsRoutesAndEndsLiveStreamsBeforeTheWebServersGracefulShutdown() {
		this.contextRunner.withPropertyValues("eventstore.ui.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(EventStoreUi.class).hasBean("eventStoreUiRoutes");
			EventStoreUi ui = context.getBean(EventStoreUi.class);
			assertThat(ui.isRunning()).isTrue();
			// Boot's graceful shutdown runs at WebServerGracefulShutdownLifecycle's
			// SMART_LIFECYCLE_PHASE, MAX_VALUE - 1024 (not on this module's class path;
			// the sample's StreamBrowserShutdownTests prove the order end to end); a
			// higher phase stops first.
			assertThat(ui.getPhase()).isGreaterThan(Integer.MAX_VALUE - 1024);
			assertThat(ui.getPhase()).isEqualTo(SmartLifecycle.DEFAULT_PHASE);
		});
	}

	@Test
	void aHeartbeatOrLiveStreamLimitOutOfRangeIsRefusedNamingIt() {
		EventStoreProperties.Ui properties = new EventStoreProperties().getUi();
		assertThatIllegalArgumentException().isThrownBy(() -> properties.setHeartbeat(Duration.ZERO))
			.withMessageContaining("eventstore.ui.heartbeat must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> properties.setMaxLiveStreams(0))
			.withMessageContaining("eventstore.ui.max-live-streams must be at least 1");
		try (EventStore store = EventStore.inMemory()) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new EventStoreUi(store, null, Duration.ofMillis(-1), 4))
				.withMessageContaining("heartbeat must be positive");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new EventStoreUi(store, null, Duration.ofSeconds(1), 0))
				.withMessageContaining("at least 1 live stream");
		}
	}

}
