package dev.eventstore.test.autoconfigure;

import java.security.SecureRandom;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreObserver;
import dev.eventstore.personal.InMemorySubjectKeyStore;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.ProcessorOwnership;
import dev.eventstore.snapshot.SnapshotStore;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.processor.ProcessorInfrastructure;
import dev.eventstore.types.EventTypes;
import dev.eventstore.upcasting.Upcaster;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The in-memory store of {@link AutoConfigureEventStore}: defined before the starter's,
 * so the starter's journal (file or PostgreSQL) backs off, and built the way the starter
 * builds its own, with the application's types, upcasters, mapper and observers.
 * Processors keep their checkpoints, and snapshots are kept, in memory; personal data is
 * protected as the application protects it, its keys in memory.
 *
 * @since 0.2.0
 */
@AutoConfiguration(before = { EventStoreAutoConfiguration.class, EventProcessorAutoConfiguration.class })
public final class EventStoreTestAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EventStore eventStore(EventTypes eventTypes, ObjectProvider<Upcaster> upcasters,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<EventStoreObserver> observers,
			ObjectProvider<PersonalDataProtection> personalData) {
		EventStore.Builder builder = EventStore.builder()
			.eventTypes(eventTypes)
			.upcasters(upcasters.orderedStream().toList());
		personalData.ifAvailable(builder::personalData);
		jsonMapper.ifUnique(builder::jsonMapper);
		observers.orderedStream().forEach(builder::observer);
		return builder.build();
	}

	/**
	 * Personal data in the slice, so that code appending and erasing it can be tested:
	 * its keys in memory, never in the application's key directory or database, under the
	 * application's master key or, when it names none, a random one for the test. The
	 * starter's protection backs off. None when the application turns it off
	 * ({@code eventstore.personal-data.enabled=false}).
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "eventstore.personal-data.enabled", havingValue = "true", matchIfMissing = true)
	PersonalDataProtection eventStorePersonalData(Environment environment) {
		String masterKey = environment.getProperty("eventstore.personal-data.master-key");
		if (masterKey != null && !masterKey.isBlank()) {
			return PersonalDataProtection.of(masterKey, new InMemorySubjectKeyStore());
		}
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		return PersonalDataProtection.of(random, new InMemorySubjectKeyStore());
	}

	@Bean
	@ConditionalOnMissingBean
	SnapshotStore eventStoreSnapshotStore() {
		return SnapshotStore.inMemory();
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessorInfrastructure eventStoreProcessorInfrastructure() {
		return new ProcessorInfrastructure(CheckpointStore.inMemory(), ProcessorOwnership.local(), null);
	}

}
