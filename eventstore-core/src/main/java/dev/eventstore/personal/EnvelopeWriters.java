package dev.eventstore.personal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.eventstore.serialization.JacksonEventSerializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ser.BeanPropertyWriter;
import tools.jackson.databind.ser.ValueSerializerModifier;

/**
 * Writes the {@link dev.eventstore.types.PersonalData} components of a payload as
 * envelopes in Jackson's own pass over it: the plain value is sealed where it would have
 * been written, so a payload is serialised once, not serialised, parsed into a tree,
 * sealed and written again. A Jackson module on a copy of the serializer's mapper, used
 * only by {@link PersonalDataProtection#encrypt}; the event's id reaches the writers
 * through {@link #SEALING}, set for the length of one serialisation on its thread. With
 * no sealing in progress a personal value is refused rather than written in plain text.
 */
final class EnvelopeWriters extends ValueSerializerModifier {

	private static final long serialVersionUID = 1L;

	/** The serialisation in progress on this thread. */
	static final ThreadLocal<@Nullable Sealing> SEALING = new ThreadLocal<>();

	private final transient PersonalDataProtection protection;

	/**
	 * Writes the JSON of personal values that are not text: the serializer without this.
	 */
	private final transient JacksonEventSerializer plain;

	EnvelopeWriters(PersonalDataProtection protection, JacksonEventSerializer plain) {
		this.protection = protection;
		this.plain = plain;
	}

	/**
	 * One payload being sealed: the event's id (the associated data with each field's
	 * name), how many personal components were written by these writers (all of them, or
	 * the mapper wrote the class its own way), and the first failure of a writer, which
	 * Jackson would otherwise wrap.
	 */
	static final class Sealing {

		/** The event id's text, ASCII. */
		final byte[] eventId;

		int visited;

		@Nullable RuntimeException failure;

		/**
		 * The last subject sealed for and its key: an event's values are mostly of one
		 * subject, whose key is looked up once (with a shared store, that is a query).
		 */
		@Nullable String subject;

		@Nullable DataKey key;

		Sealing(UUID eventId) {
			this.eventId = eventId.toString().getBytes(StandardCharsets.US_ASCII);
		}

	}

	@Override
	public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription.Supplier beanDesc,
			List<BeanPropertyWriter> properties) {
		PersonalFields fields = PersonalFields.of(beanDesc.getBeanClass());
		if (!fields.any()) {
			return properties;
		}
		List<BeanPropertyWriter> changed = new ArrayList<>(properties.size());
		for (BeanPropertyWriter property : properties) {
			PersonalFields.Field field = fieldOf(fields, property);
			changed.add((field != null) ? new EnvelopeWriter(property, field, this.protection, this.plain) : property);
		}
		return changed;
	}

	private static PersonalFields.@Nullable Field fieldOf(PersonalFields fields, BeanPropertyWriter property) {
		String member = property.getMember().getName();
		for (PersonalFields.Field field : fields.fields()) {
			if (field.name().equals(member)) {
				return field;
			}
		}
		return null;
	}

	/** A personal component's writer: its value sealed into an envelope. */
	static final class EnvelopeWriter extends BeanPropertyWriter {

		private static final long serialVersionUID = 1L;

		private final transient PersonalFields.Field field;

		private final transient PersonalDataProtection protection;

		private final transient JacksonEventSerializer plain;

		private final transient byte[] aadSuffix;

		EnvelopeWriter(BeanPropertyWriter base, PersonalFields.Field field, PersonalDataProtection protection,
				JacksonEventSerializer plain) {
			super(base);
			this.field = field;
			this.protection = protection;
			this.plain = plain;
			this.aadSuffix = Envelopes.aadSuffix(field.json());
		}

		@Override
		public void serializeAsProperty(Object bean, JsonGenerator gen, SerializationContext ctxt) throws Exception {
			Sealing sealing = SEALING.get();
			if (sealing != null) {
				sealing.visited++;
			}
			Object value = get(bean);
			if (value == null) {
				super.serializeAsProperty(bean, gen, ctxt);
				return;
			}
			try {
				if (sealing == null) {
					throw new IllegalStateException("A @PersonalData value of " + bean.getClass().getName()
							+ " is written only encrypted, under its event's id");
				}
				if (!getName().equals(this.field.json())) {
					throw new IllegalArgumentException("The @PersonalData component '" + this.field.name() + "' of "
							+ bean.getClass().getName() + " is written as '" + getName() + "', not as '"
							+ this.field.json() + "': name it in the JSON as the record does");
				}
				String subject = this.field.subject(bean);
				if (!subject.equals(sealing.subject) || sealing.key == null) {
					sealing.key = this.protection.sealingKey(subject);
					sealing.subject = subject;
				}
				byte[] envelope = Envelopes.seal(sealing.key, json(value),
						Envelopes.aad(sealing.eventId, this.aadSuffix));
				gen.writeName(getName());
				// Prefix and base64: nothing to escape.
				gen.writeRawUTF8String(envelope, 0, envelope.length);
			}
			catch (RuntimeException ex) {
				if (sealing != null && sealing.failure == null) {
					sealing.failure = ex;
				}
				throw ex;
			}
		}

		/** The value's JSON, as the tree of the whole payload would have held it. */
		private byte[] json(Object value) {
			if (value instanceof String text) {
				byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(text);
				byte[] json = new byte[quoted.length + 2];
				json[0] = '"';
				System.arraycopy(quoted, 0, json, 1, quoted.length);
				json[json.length - 1] = '"';
				return json;
			}
			if ((value instanceof Double number && !Double.isFinite(number))
					|| (value instanceof Float single && !Float.isFinite(single))) {
				throw new IllegalArgumentException("The @PersonalData component '" + this.field.name()
						+ "' is not a finite number (" + value + "): JSON has no form for it");
			}
			return this.plain.serialize(value);
		}

	}

}
