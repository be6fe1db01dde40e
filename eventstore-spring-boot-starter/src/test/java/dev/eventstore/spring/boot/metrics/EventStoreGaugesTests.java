package dev.eventstore.spring.boot.metrics;

import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.metrics.EventStoreMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class EventStoreGaugesTests {

	@Test
	void everyEventStoreBeanHasGaugesTaggedWithItsName() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, EventStoreAutoConfiguration.class,
					EventStoreMetricsAutoConfiguration.class))
			.withPropertyValues("eventstore.publish-events=false")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("orders", EventStore.class, EventStore::inMemory)
			.withBean("billing", EventStore.class, EventStore::inMemory)
			.run((context) -> {
				context.getBean("orders", EventStore.class).append("o", NewEvent.of("E", Map.of()));
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("eventstore.position").tag("store", "orders").gauge().value()).isEqualTo(1);
				assertThat(meters.get("eventstore.position").tag("store", "billing").gauge().value()).isZero();
				assertThat(meters.find("eventstore.journal.size").tag("store", "billing").gauge()).isNotNull();
			});
	}

}
