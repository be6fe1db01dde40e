package dev.eventstore.spring.boot.aot;

import java.nio.ByteBuffer;

import dev.eventstore.StoredEvent;
import dev.eventstore.spring.boot.events.scanned.ItemAdded;
import dev.eventstore.spring.boot.events.scanned.NotAnEvent;
import dev.eventstore.spring.boot.events.scanned.Renamed;
import dev.eventstore.spring.boot.processor.EventProcessor;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeHintsTests {

	@Test
	void theStoresOwnNeedsAreDeclared() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		new EventStoreRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.resource().forResource("dev/eventstore/postgres/V1__eventstore_journal.sql"))
			.accepts(hints);
		assertThat(
				RuntimeHintsPredicates.resource().forResource("dev/eventstore/postgres/V4__processor_checkpoints.sql"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("META-INF/services/dev.eventstore.JournalProvider"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(
					Class.forName("dev.eventstore.journal.file.LocalJournalProvider").getConstructor()))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(Class.forName("sun.misc.Unsafe").getMethod("invokeCleaner", ByteBuffer.class)))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(StoredEvent.class)).accepts(hints);
	}

	@EventProcessor("hinted")
	public static class HintedProcessor {

		public void on(Renamed renamed) {
		}

	}

	@Test
	void theApplicationsEventTypesAndProcessorMethodsAreDeclaredAtBuildTime() throws Exception {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		AutoConfigurationPackages.register(beanFactory, ItemAdded.class.getPackageName());
		beanFactory.registerBeanDefinition("hinted", new RootBeanDefinition(HintedProcessor.class));
		RuntimeHints hints = new RuntimeHints();
		EventModelAotProcessor.registerHints(hints, beanFactory);
		assertThat(RuntimeHintsPredicates.reflection().onType(Renamed.class)).accepts(hints);
		// Records are not events for being records: only @EventType classes are declared.
		assertThat(RuntimeHintsPredicates.reflection().onType(ItemAdded.class)).rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(NotAnEvent.class)).rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(HintedProcessor.class.getMethod("on", Renamed.class))).accepts(hints);
	}

	@Test
	void theAotProcessorIsRegistered() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(BeanFactoryInitializationAotProcessor.class))
			.hasAtLeastOneElementOfType(EventModelAotProcessor.class);
	}

}
