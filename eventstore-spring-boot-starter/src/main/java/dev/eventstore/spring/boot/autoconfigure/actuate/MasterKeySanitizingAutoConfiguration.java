package dev.eventstore.spring.boot.autoconfigure.actuate;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Keeps the personal-data master key ({@code eventstore.personal-data.master-key}) out of
 * the actuator's {@code env} and {@code configprops} endpoints where an application has
 * them show values ({@code show-values=always}): since Spring Boot 3 they mask no
 * property by its name. The property is sanitized under each of its forms (an environment
 * variable's too), and so is any value holding the configured key: another property it
 * was copied to, or the command line that passed it.
 *
 * @since 0.2.0
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class MasterKeySanitizingAutoConfiguration {

	/** The master key's property, lower case, without separators. */
	private static final String MASTER_KEY = "eventstorepersonaldatamasterkey";

	@Bean
	SanitizingFunction eventStoreMasterKeySanitizer(Environment environment) {
		return (data) -> holdsMasterKey(data, environment) ? data.withSanitizedValue() : data;
	}

	private static boolean holdsMasterKey(SanitizableData data, Environment environment) {
		if (data.getKey().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "").equals(MASTER_KEY)) {
			return true;
		}
		Object value = data.getValue();
		if (value == null) {
			return false;
		}
		String masterKey = environment.getProperty("eventstore.personal-data.master-key");
		return masterKey != null && !masterKey.isBlank() && String.valueOf(value).contains(masterKey.strip());
	}

}
