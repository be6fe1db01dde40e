package dev.eventstore;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.eventstore.types.EventType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NewEventTests {

	record Plain(String name) {
	}

	@EventType("renamed-type")
	record Annotated(String name) {
	}

	record WithDouble(double value) {
	}

	record WithThread(String name, Thread worker) {
	}

	public static class Node {

		public Node next;

		public int value = 1;

	}

	/**
	 * A typed payload is serialised, and so checked, when it is appended: by the store's
	 * serializer, once. Appends it to a store of its own and checks nothing was stored.
	 */
	private static void appended(NewEvent event) {
		try (EventStore store = EventStore.inMemory()) {
			try {
				store.append("s", event);
			}
			finally {
				assertThat(store.lastPosition()).isZero();
			}
		}
	}

	@Test
	void typeNameComesFromTheAnnotationElseTheSimpleName() {
		assertThat(NewEvent.of(new Plain("x")).type()).isEqualTo("Plain");
		assertThat(NewEvent.of(new Annotated("x")).type()).isEqualTo("renamed-type");
		assertThat(NewEvent.of(new Plain("x")).data()).isEqualTo(Map.of("name", "x"));
	}

	record Holder(Object value) {
	}

	record Marker() {
	}

	@Test
	void refusesValuesWithNoJsonForm() {
		Runnable lambda = () -> {
		};
		Map<String, Object> notData = Map.of("an input stream", new java.io.ByteArrayInputStream(new byte[3]),
				"a lambda", lambda, "a plain object", new Object(), "a reader", new java.io.StringReader("x"));
		notData.forEach((what, value) -> {
			assertThatIllegalArgumentException().as(what)
				.isThrownBy(() -> NewEvent.of("E", Map.of("v", value)))
				.withMessageContaining("Data of event 'E'")
				.withMessageContaining("$.v");
			assertThatIllegalArgumentException().as(what + " in a record")
				.isThrownBy(() -> appended(NewEvent.of("E", new Holder(value))));
			assertThatIllegalArgumentException().as(what + " in metadata")
				.isThrownBy(() -> NewEvent.of("E", Map.of(), Map.of("m", value)));
		});
	}

	@Test
	void anEmptyRecordIsAnEmptyObject() {
		assertThat(NewEvent.of(new Marker()).data()).isEmpty();
	}

	@Test
	void acceptsEveryNameThatIsNotBlankAndValidUnicode() {
		for (String type : List.of("OrderPlaced", " padded ", "tab\there", "line\nbreak", "ümlaut",
				"emoji \ud83d\ude00", "~!@#$%^&*()", "x")) {
			assertThat(NewEvent.of(type, Map.of()).type()).isEqualTo(type);
		}
	}

	@Test
	void rejectsTypesBlankWithAnyWhitespace() {
		for (String type : List.of("", " ", "\t", " \n\r ", "\u001f")) {
			assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(type, Map.of()))
				.withMessage("Event type must not be null or blank");
		}
	}

	@Test
	void rejectsBlankTypes() {
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(" ", Map.of()))
			.withMessage("Event type must not be null or blank");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(null, Map.of()))
			.withMessage("Event type must not be null or blank");
	}

	@Test
	void rejectsAThreadAsData() {
		assertThatIllegalArgumentException().isThrownBy(() -> appended(NewEvent.of("E", Thread.currentThread())))
			.withMessageContaining("Data of event 'E'")
			.withMessageContaining("java.lang.Thread is not data");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> appended(NewEvent.of(new WithThread("w", Thread.currentThread()))))
			.withMessageContaining("java.lang.Thread is not data");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NewEvent.of("E", Map.of("worker", Thread.currentThread())))
			.withMessageContaining("$.worker")
			.withMessageContaining("java.lang.Thread");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", Map.of("o", new Object())))
			.withMessageContaining("java.lang.Object");
	}

	@Test
	void rejectsCyclicMapsAndLists() {
		Map<String, Object> map = new HashMap<>();
		map.put("self", map);
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", map))
			.withMessageContaining("cycle at $.self");
		List<Object> list = new ArrayList<>();
		list.add(list);
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", Map.of("l", list)))
			.withMessageContaining("cycle at $.l[0]");
	}

	@Test
	void rejectsCyclicBeans() {
		Node a = new Node();
		Node b = new Node();
		a.next = b;
		b.next = a;
		assertThatIllegalArgumentException().isThrownBy(() -> appended(NewEvent.of("E", a)))
			.withMessageContaining("Data of event 'E' is not serialisable");
	}

	@Test
	void allowsSharedButAcyclicReferences() {
		Map<String, Object> shared = Map.of("k", 1);
		assertThat(NewEvent.of("E", Map.of("a", shared, "b", shared)).data()).containsEntry("a", shared)
			.containsEntry("b", shared);
	}

	@Test
	void rejectsNaNAndInfinity() {
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", Map.of("x", Double.NaN)))
			.withMessageContaining("NaN at $.x");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NewEvent.of("E", Map.of("x", List.of(1.0f, Float.POSITIVE_INFINITY))))
			.withMessageContaining("Infinity at $.x[1]");
		assertThatIllegalArgumentException().isThrownBy(() -> appended(NewEvent.of(new WithDouble(Double.NaN))))
			.withMessageContaining("Data of event 'WithDouble' holds NaN at $.value");
	}

	@Test
	void rejectsDataThatIsNotAnObject() {
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", "text"))
			.withMessageContaining("must be a JSON object");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", List.of(1)))
			.withMessageContaining("must be a JSON object");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", null))
			.withMessage("Data of event 'E' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(Map.of("a", 1)))
			.withMessageContaining("takes a typed payload");
	}

	@Test
	void rejectsBadMetadata() {
		Map<String, Object> meta = new HashMap<>();
		meta.put("t", Thread.currentThread());
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", Map.of(), meta))
			.withMessageContaining("Metadata of event 'E'");
		Map<Object, Object> nullKey = new HashMap<>();
		nullKey.put(null, 1);
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", nullKey))
			.withMessageContaining("map key at $ that is null");
	}

	@Test
	void rejectsNestingDeeperThanTheLimit() {
		Map<String, Object> deep = new HashMap<>();
		Map<String, Object> current = deep;
		for (int i = 0; i < 300; i++) {
			Map<String, Object> child = new HashMap<>();
			current.put("c", child);
			current = child;
		}
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", deep))
			.withMessageContaining("nested deeper than 200");
	}

	@Test
	void normalisesNumbersToTheirJsonReadings() {
		Map<String, Object> data = new HashMap<>();
		data.put("short", (short) 3);
		data.put("float", 1.1f);
		data.put("decimal", new BigDecimal("2.5"));
		data.put("char", 'c');
		data.put("array", new int[] { 1, 2 });
		assertThat(NewEvent.of("E", data).data()).containsEntry("short", 3)
			.containsEntry("float", 1.1)
			.containsEntry("decimal", 2.5)
			.containsEntry("char", "c")
			.containsEntry("array", List.of(1, 2));
	}

	@Test
	void canonicalConstructorCopiesToo() {
		Map<String, Object> data = new HashMap<>(Map.of("a", 1));
		NewEvent event = new NewEvent("E", data, null);
		data.put("b", 2);
		assertThat(event.data()).isEqualTo(Map.of("a", 1));
		assertThat(event.metadata()).isEmpty();
	}

	@Test
	void expectedVersionRejectsNegativeVersions() {
		assertThatIllegalArgumentException().isThrownBy(() -> ExpectedVersion.exactly(-1))
			.withMessageContaining(">= 0");
		assertThat(ExpectedVersion.exactly(0).matches(0)).isTrue();
		assertThat(ExpectedVersion.noStream().matches(1)).isFalse();
		assertThat(ExpectedVersion.any().matches(42)).isTrue();
	}

	@Test
	void dataAsNamesTheEventWhenTheDataDoesNotFit() {
		StoredEvent event = new StoredEvent(3, "s", 1, "E", Map.of("value", "not a number"), Map.of(),
				java.time.Instant.EPOCH);
		assertThatIllegalArgumentException().isThrownBy(() -> event.dataAs(WithDouble.class))
			.withMessageContaining("Event at position 3 ('E' in stream 's')")
			.withMessageContaining(WithDouble.class.getName());
	}

	@Test
	void anEventGivenAsAPayloadIsRefusedSayingWhatToDoInstead() {
		NewEvent event = NewEvent.of(new Plain("x")).withTags("customer:7");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(event))
			.withMessageContaining("not a NewEvent: append the NewEvent itself");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("Copied", event))
			.withMessageContaining("not a NewEvent");
		try (EventStore store = EventStore.inMemory()) {
			StoredEvent stored = store.append("s-1", event);
			assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(stored))
				.withMessageContaining("NewEvent.ofJson(stored.type(), stored.dataJson(), stored.metadata())"
						+ ".withTags(stored.tags().toArray(String[]::new))");
			// The copy the message gives, tags and all.
			NewEvent copy = NewEvent.ofJson(stored.type(), stored.dataJson(), stored.metadata())
				.withTags(stored.tags().toArray(String[]::new));
			StoredEvent copied = store.append("s-2", copy);
			assertThat(copied.data()).isEqualTo(Map.of("name", "x"));
			assertThat(copied.tags()).containsExactly("customer:7");
		}
	}

}
