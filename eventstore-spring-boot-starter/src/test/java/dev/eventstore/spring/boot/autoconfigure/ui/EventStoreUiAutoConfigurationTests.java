package dev.eventstore.spring.boot.autoconfigure.ui;

import dev.eventstore.EventStore;
import dev.eventstore.spring.boot.ui.EventStoreUi;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.function.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;

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

}
