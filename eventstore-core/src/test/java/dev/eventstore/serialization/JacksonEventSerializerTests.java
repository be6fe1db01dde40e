package dev.eventstore.serialization;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.eventstore.AppendResult;
import dev.eventstore.EventStore;
import dev.eventstore.types.EventType;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JacksonEventSerializerTests {

	@TempDir
	Path dir;

	@EventType("PriceChanged")
	record PriceChanged(String skuCode, BigDecimal newPrice) {
	}

	record Holder(Object value) {
	}

	record Lenient(String skuCode, @JsonAnySetter Map<String, Object> rest) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record IgnoringUnknown(String skuCode) {
	}

	private static final JsonMapper snakeCase = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.build();

	private EventStore store() {
		return EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.eventTypes(EventTypes.of(PriceChanged.class))
			.jsonMapper(snakeCase)
			.build();
	}

	@Test
	void theApplicationsMapperWritesAndReadsPayloads() throws Exception {
		PriceChanged changed = new PriceChanged("A-1", new BigDecimal("12345678901234567890.10"));
		try (EventStore store = store()) {
			StoredEvent stored = store.append("prices", NewEvent.of(changed));
			assertThat(stored.data()).containsOnlyKeys("sku_code", "new_price");
			assertThat(store.readStream("prices").get(0).payload()).isEqualTo(changed);
		}
		assertThat(Files.readString(this.dir.resolve("events.ndjson"))).contains("\"sku_code\":\"A-1\"")
			.contains("\"new_price\":12345678901234567890.10");
		try (EventStore store = store()) {
			assertThat(store.readStream("prices").get(0).payload(PriceChanged.class)).isEqualTo(changed);
		}
	}

	@Test
	void retriesAreRecognisedThroughTheApplicationsMapper() {
		try (EventStore store = store()) {
			NewEvent event = NewEvent.of(new PriceChanged("A-1", BigDecimal.ONE));
			store.append("prices", event);
			AppendResult retry = store.appendBatch("prices", java.util.List.of(event));
			assertThat(retry.isDuplicate()).isTrue();
			assertThat(store.lastPosition()).isEqualTo(1);
		}
	}

	@Test
	void whetherAClassMayReadAPropertyIsAnsweredByTheMappersOwnRules() {
		JacksonEventSerializer snake = new JacksonEventSerializer(snakeCase);
		JacksonEventSerializer plain = JacksonEventSerializer.defaults();

		assertThat(plain.mayRead(PriceChanged.class, "skuCode")).isTrue();
		assertThat(plain.mayRead(PriceChanged.class, "email")).isFalse();
		assertThat(plain.mayRead(PriceChanged.class, "sku_code")).isFalse();
		assertThat(snake.mayRead(PriceChanged.class, "sku_code")).isTrue();
		assertThat(snake.mayRead(PriceChanged.class, "skuCode")).isFalse();
		assertThat(plain.mayRead(Lenient.class, "email")).as("an any-setter reads every property").isTrue();
		assertThat(plain.mayRead(IgnoringUnknown.class, "email")).as("in doubt").isTrue();
		assertThat(plain.mayRead(Map.class, "email")).isTrue();
		assertThat(new EventSerializer() {
			@Override
			public byte[] serialize(Object payload) {
				throw new UnsupportedOperationException();
			}

			@Override
			public <T> T deserialize(byte[] json, Class<T> type) {
				throw new UnsupportedOperationException();
			}
		}.mayRead(PriceChanged.class, "email")).as("a serializer that cannot tell").isTrue();
	}

	@Test
	void theStoresRulesForDataHoldOnTheApplicationsMapperToo() {
		JacksonEventSerializer serializer = new JacksonEventSerializer(JsonMapper.builder().build());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> serializer.serialize(new Holder(new java.io.ByteArrayInputStream(new byte[1]))))
			.withMessageContaining(Holder.class.getName());
		Runnable lambda = () -> {
		};
		assertThatIllegalArgumentException().isThrownBy(() -> serializer.serialize(new Holder(lambda)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> serializer.deserialize("{\"newPrice\":\"not a number\"}".getBytes(), PriceChanged.class))
			.withMessageContaining(PriceChanged.class.getName());
	}

	/** A serializer that writes what it is given, whatever it is. */
	private static EventSerializer writing(String json) {
		return new EventSerializer() {

			@Override
			public byte[] serialize(Object payload) {
				return json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
			}

			@Override
			public <T> T deserialize(byte[] json, Class<T> type) {
				throw new UnsupportedOperationException();
			}

		};
	}

	@Test
	void whatASerializerWritesStillMeetsTheStoresRules() {
		for (String json : new String[] { "{\"x\":NaN}", "{\"k\":\"\\ud800\"}", "{\"n\":" + "9".repeat(1001) + "}" }) {
			try (EventStore store = EventStore.builder().serializer(writing(json)).build()) {
				assertThatIllegalArgumentException().as(json)
					.isThrownBy(() -> store.append("s", NewEvent.of(new PriceChanged("A", BigDecimal.TEN))));
				assertThat(store.lastPosition()).isZero();
			}
		}
	}

	@Test
	void dataThatIsNotAnObjectIsRefusedBeforeAnythingIsStored() {
		EventSerializer array = new EventSerializer() {

			@Override
			public byte[] serialize(Object payload) {
				return "[1,2]".getBytes();
			}

			@Override
			public <T> T deserialize(byte[] json, Class<T> type) {
				throw new UnsupportedOperationException();
			}

		};
		try (EventStore store = EventStore.builder().serializer(array).build()) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> store.append("s", NewEvent.of(new PriceChanged("A", BigDecimal.TEN))))
				.withMessageContaining("Data of event 'PriceChanged' must be a JSON object");
			store.append("s", NewEvent.of("Untyped", Map.of("n", 1)));
			assertThat(store.lastPosition()).isEqualTo(1);
		}
	}

}
