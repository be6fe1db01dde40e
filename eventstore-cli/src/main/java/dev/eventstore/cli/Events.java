package dev.eventstore.cli;

import java.io.PrintWriter;

import dev.eventstore.StoredEvent;
import tools.jackson.databind.json.JsonMapper;

/** How commands print events: a line a person reads, or one JSON object a line for jq. */
final class Events {

	private static final JsonMapper json = JsonMapper.builder().build();

	private Events() {
	}

	static void print(PrintWriter out, StoredEvent event, boolean asJson) {
		if (asJson) {
			out.println(json.writeValueAsString(event));
		}
		else {
			out.println("#" + event.position() + "  " + event.streamId() + "@" + event.version() + "  " + event.type()
					+ (event.tags().isEmpty() ? "" : "  " + event.tags()) + "  " + event.timestamp() + "  "
					+ json.writeValueAsString(event.data())
					+ (event.metadata().isEmpty() ? "" : "  " + json.writeValueAsString(event.metadata())));
		}
	}

}
