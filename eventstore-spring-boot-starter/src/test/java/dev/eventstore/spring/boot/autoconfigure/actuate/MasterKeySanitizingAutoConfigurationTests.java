package dev.eventstore.spring.boot.autoconfigure.actuate;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The personal-data master key stays out of the {@code env} and {@code configprops}
 * endpoints even where they show values: under its property, under any other property
 * that holds it, and in the command line.
 */
class MasterKeySanitizingAutoConfigurationTests {

	private static final String MASTER_KEY = Base64.getEncoder()
		.encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EventStoreAutoConfiguration.class, MasterKeySanitizingAutoConfiguration.class,
						EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class,
						ConfigurationPropertiesReportEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=env,configprops",
				"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always");

	@Test
	void theMasterKeyIsSanitizedWhereverTheEndpointsShowValues() {
		this.contextRunner
			.withPropertyValues("eventstore.personal-data.master-key=" + MASTER_KEY,
					"vault.material=prefix-" + MASTER_KEY, "eventstore.fsync=never")
			.run((context) -> {
				EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
				assertThat(env.environmentEntry("eventstore.personal-data.master-key").getProperty().getValue())
					.isEqualTo(SanitizableData.SANITIZED_VALUE);
				assertThat(env.environmentEntry("vault.material").getProperty().getValue())
					.isEqualTo(SanitizableData.SANITIZED_VALUE);
				assertThat(env.environmentEntry("eventstore.fsync").getProperty().getValue())
					.as("other values are shown")
					.isEqualTo("never");
				String everything = JsonMapper.shared().writeValueAsString(env.environment(null));
				assertThat(everything).doesNotContain(MASTER_KEY);
				String properties = JsonMapper.shared()
					.writeValueAsString(context.getBean(ConfigurationPropertiesReportEndpoint.class)
						.configurationPropertiesWithPrefix("eventstore"));
				assertThat(properties).contains("masterKey").contains("NEVER").doesNotContain(MASTER_KEY);
			});
	}

	@Test
	void anEnvironmentVariableOfTheMasterKeyIsSanitizedByItsName() {
		MasterKeySanitizingAutoConfiguration configuration = new MasterKeySanitizingAutoConfiguration();
		assertThat(configuration.eventStoreMasterKeySanitizer(new StandardEnvironment())
			.apply(new SanitizableData(null, "EVENTSTORE_PERSONALDATA_MASTERKEY", "anything"))
			.getValue()).isEqualTo(SanitizableData.SANITIZED_VALUE);
		assertThat(configuration.eventStoreMasterKeySanitizer(new StandardEnvironment())
			.apply(new SanitizableData(null, "EVENTSTORE_FSYNC", "never"))
			.getValue()).isEqualTo("never");
	}

}
