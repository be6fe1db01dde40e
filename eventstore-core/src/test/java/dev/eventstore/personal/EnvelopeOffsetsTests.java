package dev.eventstore.personal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.eventstore.internal.JsonData;
import dev.eventstore.serialization.JacksonEventSerializer;
import dev.eventstore.types.PersonalData;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader's own scan of stored data finds what a parser finds wherever it answers, and
 * leaves to the parser what it does not read: the decrypted JSON equals the tree path's
 * in every layout, and the scan gives up (the reader still answering right) on escapes in
 * names, envelopes and subject ids, on structured subject ids and on bytes that are not
 * an object.
 */
class EnvelopeOffsetsTests {

	record Address(String street, List<String> lines) {
	}

	/** The subject after its values, a number; values of several shapes. */
	record Registered(@PersonalData(subject = "memberNo") String name,
			@PersonalData(subject = "memberNo", replacement = "-1") int age,
			@PersonalData(subject = "memberNo") Address address, String note, long memberNo) {
	}

	record Named(String customerId, @PersonalData(subject = "customerId") String fullName) {
	}

	private final PersonalDataProtection protection = PersonalDataProtection.of(PersonalDataEncodingTests.MASTER_KEY,
			new InMemorySubjectKeyStore());

	private final UUID id = UUID.randomUUID();

	private byte[] stored(Object payload) {
		return this.protection.encrypt(payload, PersonalFields.of(payload.getClass()), this.id,
				JacksonEventSerializer.defaults());
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] json) {
		return new String(json, StandardCharsets.UTF_8);
	}

	/** Envelopes found by the scan, or -1 when it gives up. */
	private static int scan(byte[] json, Class<?> type) {
		int fields = PersonalFields.of(type).fields().size();
		return EnvelopeOffsets.find(json, PersonalFields.of(type), new String[fields], new int[fields],
				new int[fields]);
	}

	/**
	 * The stored JSON decrypted by the reader, and by the tree path, which uses no scan.
	 */
	private void assertDecryptsAsTheTreePath(byte[] json, Class<?> type) {
		PersonalFields fields = PersonalFields.of(type);
		JsonNode byTree = this.protection.decrypt((ObjectNode) JsonData.TREES.readTree(json), fields, this.id);
		assertThat(JsonData.TREES.readTree(this.protection.decrypt(json, fields, this.id))).isEqualTo(byTree);
	}

	/** The same members in the other order. */
	private static byte[] reversed(byte[] json) {
		ObjectNode tree = (ObjectNode) JsonData.TREES.readTree(json);
		List<Map.Entry<String, JsonNode>> members = new ArrayList<>(tree.properties());
		ObjectNode reversed = JsonData.TREES.createObjectNode();
		for (int i = members.size() - 1; i >= 0; i--) {
			reversed.set(members.get(i).getKey(), members.get(i).getValue());
		}
		return JsonData.TREES.writeValueAsBytes(reversed);
	}

	@Test
	void findsWhatTheParserFindsInEveryLayoutOfTheMembers() {
		byte[] registered = stored(new Registered("Zoë \"Zed\"\n\u4e2d", 41,
				new Address("1 {Quay} St", List.of("[Flat 2]", "\\back\\slash\"")), "note \"1\" {x}", 7));
		byte[] named = stored(new Named("c-1", "Ada Lovelace"));
		List<byte[]> layouts = List.of(registered, reversed(registered),
				JsonData.TREES.writerWithDefaultPrettyPrinter().writeValueAsBytes(JsonData.TREES.readTree(registered)),
				bytes(" \n\t" + text(registered) + "\r\n"));
		for (byte[] layout : layouts) {
			assertThat(scan(layout, Registered.class)).as(text(layout)).isEqualTo(3);
			assertDecryptsAsTheTreePath(layout, Registered.class);
		}
		String plain = text(named);
		// A nested object with the same names, and look-alikes in other strings, are not
		// the top-level fields.
		byte[] lookAlikes = bytes(plain.substring(0, plain.length() - 1)
				+ ",\"inner\":{\"fullName\":\"pd1:AAAA\",\"customerId\":\"c-2\"},"
				+ "\"other\":\"\\\",\\\"fullName\\\":\\\"pd1:BBBB\",\"list\":[{\"fullName\":\"pd1:CCCC\"},\"]\"]}");
		assertThat(scan(lookAlikes, Named.class)).isEqualTo(1);
		assertDecryptsAsTheTreePath(lookAlikes, Named.class);
	}

	@Test
	void readsPlainValuesAndEveryKindOfSubjectIdItAnswersFor() {
		assertThat(scan(bytes("{\"customerId\":\"c-1\",\"fullName\":\"written before protection\"}"), Named.class))
			.isZero();
		assertThat(scan(bytes("{}"), Named.class)).isZero();
		byte[] named = stored(new Named("c-1", "Ada Lovelace"));
		String envelope = JsonData.TREES.readTree(named).get("fullName").stringValue();
		for (String subject : List.of("\"c-1\"", "null", "12", "-1.5e3", "true", "\"\"")) {
			byte[] json = bytes("{\"customerId\":" + subject + ",\"fullName\":\"" + envelope + "\"}");
			assertThat(scan(json, Named.class)).as(subject).isEqualTo(1);
			assertDecryptsAsTheTreePath(json, Named.class);
		}
	}

	@Test
	void givesUpOnWhatOnlyAParserReadsRightAndTheReaderStillAnswers() {
		byte[] named = stored(new Named("c-1", "Ada Lovelace"));
		String json = text(named);
		String envelope = JsonData.TREES.readTree(named).get("fullName").stringValue();
		List<String> parserOnly = List.of(json.replace("\"fullName\"", "\"full\\u004eame\""),
				json.replace("\"pd1:", "\"\\u0070d1:"), json.replace("\"c-1\"", "\"c\\u002d1\""),
				"{\"customerId\":{\"id\":\"c-1\"},\"fullName\":\"" + envelope + "\"}",
				"{\"customerId\":[\"c-1\"],\"fullName\":\"" + envelope + "\"}");
		for (String stored : parserOnly) {
			assertThat(scan(bytes(stored), Named.class)).as(stored).isEqualTo(-1);
			assertDecryptsAsTheTreePath(bytes(stored), Named.class);
		}
		assertThat(text(this.protection.decrypt(bytes(parserOnly.get(2)), PersonalFields.of(Named.class), this.id)))
			.contains("Ada Lovelace");
		for (String broken : List.of("[1]", "", "{\"customerId\":\"c-1\"", "{\"customerId\" \"c-1\"}",
				"{\"customerId\":\"c-1\",}x", "{\"fullName\":\"pd1:AA")) {
			assertThat(scan(bytes(broken), Named.class)).as(broken).isEqualTo(-1);
		}
	}

}
