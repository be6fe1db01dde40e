package dev.eventstore.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import javax.sql.DataSource;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.EventStoreObserver;
import dev.eventstore.Journal;
import dev.eventstore.personal.FileSubjectKeyStore;
import dev.eventstore.personal.InMemorySubjectKeyStore;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.personal.PersonalFields;
import dev.eventstore.personal.SubjectKeyStore;
import dev.eventstore.postgres.PostgresCheckpointStore;
import dev.eventstore.postgres.PostgresJournal;
import dev.eventstore.postgres.PostgresProcessorOwnership;
import dev.eventstore.postgres.PostgresSnapshotStore;
import dev.eventstore.postgres.PostgresSubjectKeyStore;
import dev.eventstore.snapshot.SnapshotStore;
import dev.eventstore.spring.boot.aot.EventStoreRuntimeHints;
import dev.eventstore.spring.boot.events.ApplicationEventBridge;
import dev.eventstore.spring.boot.events.EventTypeScanner;
import dev.eventstore.spring.boot.events.TransactionalAppends;
import dev.eventstore.spring.boot.processor.ProcessorInfrastructure;
import dev.eventstore.types.EventTypes;
import dev.eventstore.upcasting.Upcaster;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Auto-configures an {@link EventStore}, with the application's {@code JsonMapper} for
 * typed payloads when there is one: on a {@link Journal} bean when there is one (the
 * PostgreSQL journal with {@code eventstore.journal=postgres}), else on the journal file
 * named by {@code eventstore.persist-path}, else in memory; and, unless
 * {@code eventstore.publish-events} is false, publishes its events as Spring application
 * events. Every bean backs off when the application defines its own.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@EnableConfigurationProperties(EventStoreProperties.class)
@ImportRuntimeHints(EventStoreRuntimeHints.class)
public final class EventStoreAutoConfiguration {

	private static final Log logger = LogFactory.getLog(EventStoreAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	EventTypes eventTypes(BeanFactory beanFactory) {
		List<String> packages = AutoConfigurationPackages.has(beanFactory) ? AutoConfigurationPackages.get(beanFactory)
				: List.of();
		ClassLoader classLoader = EventStoreAutoConfiguration.class.getClassLoader();
		if (beanFactory instanceof ConfigurableBeanFactory configurable && configurable.getBeanClassLoader() != null) {
			classLoader = configurable.getBeanClassLoader();
		}
		try {
			return EventTypeScanner.scan(packages, classLoader);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(
					"Cannot register the @EventType classes of " + packages + ": " + ex.getMessage(), ex);
		}
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EventStore eventStore(EventStoreProperties properties, ObjectProvider<EventStoreObserver> observers,
			ObjectProvider<Journal> journal, EventTypes eventTypes, ObjectProvider<Upcaster> upcasters,
			ObjectProvider<JsonMapper> jsonMapper, Environment environment,
			ObjectProvider<PersonalDataProtection> personalData) {
		requireOneJournalsProperties(properties, environment);
		EventStore.Builder builder = EventStore.builder()
			.eventTypes(eventTypes)
			.upcasters(upcasters.orderedStream().toList());
		PersonalDataProtection protection = personalData.getIfAvailable();
		if (protection != null) {
			builder.personalData(protection);
		}
		else {
			refusePersonalTypes(eventTypes);
		}
		// The application's mapper (spring.jackson.*, customizers, modules) for payloads.
		jsonMapper.ifUnique(builder::jsonMapper);
		observers.orderedStream().forEach(builder::observer);
		Journal custom = journal.getIfAvailable();
		if (custom != null) {
			return builder.journal(custom).build();
		}
		if (properties.getJournal() == EventStoreProperties.JournalType.POSTGRES) {
			throw new EventStoreConfigurationException("eventstore.journal", "postgres",
					new IllegalStateException("A PostgreSQL journal needs a DataSource bean, and "
							+ "dev.eventstore:eventstore-postgres and spring-jdbc on the class path"));
		}
		if (properties.getPersistPath() == null) {
			logger.warn("eventstore.persist-path is not set: using an in-memory event store; "
					+ "events will not survive a restart");
			return builder.build();
		}
		builder.persistPath(properties.getPersistPath()).fsync(properties.getFsync());
		try {
			builder.fsyncInterval(properties.getFsyncInterval());
		}
		catch (IllegalArgumentException ex) {
			throw new EventStoreConfigurationException("eventstore.fsync-interval", properties.getFsyncInterval(), ex);
		}
		if (properties.getSegmentSize() != null) {
			try {
				builder.segmentSize(properties.getSegmentSize().toBytes());
			}
			catch (IllegalArgumentException ex) {
				throw new EventStoreConfigurationException("eventstore.segment-size", properties.getSegmentSize(), ex);
			}
		}
		try {
			return builder.build();
		}
		catch (EventStoreException ex) {
			throw new EventStoreConfigurationException("eventstore.persist-path", properties.getPersistPath(), ex);
		}
	}

	/**
	 * Personal data protected with the properties' master key, the subjects' keys beside
	 * the journal (in memory for an in-memory store; a journal of the application's own,
	 * such as PostgreSQL's, brings a {@link SubjectKeyStore} bean every instance shares).
	 */
	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnPersonalDataCondition.class)
	PersonalDataProtection eventStorePersonalData(EventStoreProperties properties,
			ObjectProvider<SubjectKeyStore> subjectKeys, ObjectProvider<Journal> journal) {
		EventStoreProperties.PersonalData settings = properties.getPersonalData();
		String masterKey = settings.getMasterKey();
		if (masterKey == null || masterKey.isBlank()) {
			throw new EventStoreConfigurationException("eventstore.personal-data.master-key", "(not set)",
					new IllegalStateException("eventstore.personal-data.enabled=true needs a master key: "
							+ "set eventstore.personal-data.master-key to the base64 of 32 random bytes"));
		}
		// The journal first: a database's journal makes the schema (initialize-schema)
		// that the key store's tables are in, and the protection reads them at once.
		Journal journalBean = journal.getIfAvailable();
		SubjectKeyStore keys = subjectKeys.getIfAvailable();
		if (keys == null) {
			if (journalBean != null) {
				throw new EventStoreConfigurationException("eventstore.personal-data", "(a journal of its own)",
						new IllegalStateException("A journal other than the file journal needs a SubjectKeyStore "
								+ "bean that every instance shares; none is defined"));
			}
			Path persistPath = properties.getPersistPath();
			Path directory = settings.getKeyDirectory();
			if (directory == null && persistPath != null) {
				directory = persistPath.resolveSibling(persistPath.getFileName() + ".keys");
			}
			keys = (directory != null) ? new FileSubjectKeyStore(directory) : new InMemorySubjectKeyStore();
		}
		try {
			return PersonalDataProtection.of(masterKey, keys);
		}
		catch (IllegalArgumentException ex) {
			// The value is never shown: it is the secret.
			throw new EventStoreConfigurationException("eventstore.personal-data.master-key", "(hidden)", ex);
		}
	}

	/** Without protection, an event type with personal data fails start-up. */
	private static void refusePersonalTypes(EventTypes eventTypes) {
		for (Class<?> type : eventTypes.mappings().values()) {
			if (PersonalFields.of(type).any()) {
				throw new EventStoreConfigurationException("eventstore.personal-data.master-key", "(not set)",
						new IllegalStateException(type.getName() + " has @PersonalData components, which are stored "
								+ "only encrypted: set eventstore.personal-data.master-key (the base64 of 32 random "
								+ "bytes) or define a PersonalDataProtection bean"));
			}
		}
	}

	/**
	 * Where {@link dev.eventstore.snapshot.Snapshotting} keeps snapshots: beside the
	 * journal file, or in memory for an in-memory store (the PostgreSQL journal's are in
	 * its schema).
	 */
	@Bean
	@ConditionalOnMissingBean
	SnapshotStore eventStoreSnapshotStore(EventStoreProperties properties) {
		return (properties.getPersistPath() != null) ? SnapshotStore.besideJournal(properties.getPersistPath())
				: SnapshotStore.inMemory();
	}

	private static final List<String> FILE_PROPERTIES = List.of("eventstore.persist-path", "eventstore.fsync",
			"eventstore.fsync-interval");

	private static final List<String> POSTGRES_PROPERTIES = List.of("eventstore.postgres.initialize-schema",
			"eventstore.postgres.table-prefix");

	/**
	 * A property of the journal that is not chosen would be ignored without a word: fail
	 * instead, naming both.
	 */
	private static void requireOneJournalsProperties(EventStoreProperties properties, Environment environment) {
		boolean postgres = properties.getJournal() == EventStoreProperties.JournalType.POSTGRES;
		for (String property : postgres ? FILE_PROPERTIES : POSTGRES_PROPERTIES) {
			if (environment.containsProperty(property)) {
				String chosen = "eventstore.journal=" + (postgres ? "postgres" : "file");
				throw new EventStoreConfigurationException(property + " and eventstore.journal",
						environment.getProperty(property),
						new IllegalStateException(property + " configures the " + (postgres ? "file" : "PostgreSQL")
								+ " journal, but " + chosen + (postgres ? "" : " (the default)")
								+ " chooses the other; it would be ignored"));
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(
			name = { "dev.eventstore.postgres.PostgresJournal", "org.springframework.jdbc.datasource.DataSourceUtils" })
	@ConditionalOnProperty(name = "eventstore.journal", havingValue = "postgres")
	@ConditionalOnBean(DataSource.class)
	static class PostgresJournalConfiguration {

		@Bean
		@ConditionalOnMissingBean(Journal.class)
		PostgresJournal eventStorePostgresJournal(DataSource dataSource, EventStoreProperties properties) {
			EventStoreProperties.Postgres postgres = properties.getPostgres();
			try {
				return PostgresJournal.builder(dataSource)
					.tablePrefix(postgres.getTablePrefix())
					.initializeSchema(postgres.isInitializeSchema())
					.appendConnections(new SpringTransactionConnections(dataSource))
					.build();
			}
			catch (IllegalArgumentException ex) {
				throw new EventStoreConfigurationException("eventstore.postgres.table-prefix",
						postgres.getTablePrefix(), ex);
			}
			catch (EventStoreException ex) {
				throw new EventStoreConfigurationException("eventstore.journal", "postgres", ex);
			}
		}

		/** Snapshots in the journal's schema. */
		@Bean
		@ConditionalOnMissingBean
		SnapshotStore eventStoreSnapshotStore(DataSource dataSource, EventStoreProperties properties) {
			return PostgresSnapshotStore.of(dataSource, properties.getPostgres().getTablePrefix());
		}

		/** Data subjects' keys in the journal's schema, shared by every instance. */
		@Bean
		@ConditionalOnMissingBean
		SubjectKeyStore eventStoreSubjectKeys(DataSource dataSource, EventStoreProperties properties) {
			return PostgresSubjectKeyStore.of(dataSource, properties.getPostgres().getTablePrefix());
		}

		/**
		 * Processors keep checkpoints in the journal's schema, run on one instance at a
		 * time, and, with a transaction manager, commit each event's effects with its
		 * checkpoint.
		 */
		@Bean
		@ConditionalOnMissingBean
		ProcessorInfrastructure eventStoreProcessorInfrastructure(DataSource dataSource,
				EventStoreProperties properties, ObjectProvider<PlatformTransactionManager> transactionManager) {
			String prefix = properties.getPostgres().getTablePrefix();
			PostgresProcessorOwnership ownership = new PostgresProcessorOwnership(dataSource, prefix);
			PlatformTransactionManager manager = transactionManager.getIfUnique();
			if (manager == null) {
				return new ProcessorInfrastructure(PostgresCheckpointStore.of(dataSource, prefix), ownership, null);
			}
			TransactionTemplate template = new TransactionTemplate(manager);
			return new ProcessorInfrastructure(
					PostgresCheckpointStore.transactional(new SpringTransactionConnections(dataSource), prefix),
					ownership, (work) -> template.executeWithoutResult((status) -> work.run()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "eventstore.publish-events", matchIfMissing = true)
	static class ApplicationEventBridgeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ApplicationEventBridge eventStoreApplicationEventBridge(EventStore store, EventTypes types,
				ConfigurableApplicationContext context, ObjectProvider<EventStoreObserver> observers) {
			return new ApplicationEventBridge(store, types, context,
					(event, failure) -> observers.orderedStream().forEach((o) -> o.subscriberFailed(event, failure)));
		}

		/** Publication of events appended inside Spring transactions. */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.springframework.transaction.support.TransactionSynchronizationManager")
		static class TransactionalAppendsConfiguration {

			@Bean
			@ConditionalOnMissingBean
			TransactionalAppends eventStoreTransactionalAppends(ObjectProvider<EventStore> store,
					ObjectProvider<ApplicationEventBridge> bridge, ListableBeanFactory beans) {
				return new TransactionalAppends(store, bridge, beans);
			}

		}

	}

}
