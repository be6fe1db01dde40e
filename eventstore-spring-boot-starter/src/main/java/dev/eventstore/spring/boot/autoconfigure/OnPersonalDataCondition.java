package dev.eventstore.spring.boot.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when personal data is to be protected: {@code eventstore.personal-data.enabled}
 * is true, or unset while a master key is set.
 */
final class OnPersonalDataCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		String enabled = environment.getProperty("eventstore.personal-data.enabled");
		if (enabled != null) {
			return Boolean.parseBoolean(enabled.strip()) ? ConditionOutcome.match("eventstore.personal-data.enabled")
					: ConditionOutcome.noMatch("eventstore.personal-data.enabled=false");
		}
		String masterKey = environment.getProperty("eventstore.personal-data.master-key");
		// The outcome's message never holds the key.
		return (masterKey != null && !masterKey.isBlank())
				? ConditionOutcome.match("eventstore.personal-data.master-key is set")
				: ConditionOutcome.noMatch("no eventstore.personal-data.master-key");
	}

}
