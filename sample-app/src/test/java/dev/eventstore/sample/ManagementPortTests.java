package dev.eventstore.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processors' commands stay guarded against cross-site requests when the actuator has
 * a port of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class ManagementPortTests extends SampleEndToEndTest {

	@LocalManagementPort
	int managementPort;

	@Test
	void aCommandWithoutJsonIsRefusedOnTheManagementPortAndOneWithJsonIsCarriedOut() {
		HttpApi management = new HttpApi(this.managementPort);
		assertThat(management.post("/actuator/eventprocessors/sku-totals/pause", null).getStatusCode().value())
			.isEqualTo(415);
		assertThat(management.post("/actuator/eventprocessors/sku-totals/pause", "text/plain", "x")
			.getStatusCode()
			.value()).isEqualTo(415);
		assertThat(management.get("/actuator/eventprocessors/sku-totals").getBody().get("state").asString())
			.isNotEqualTo("PAUSED");
		var paused = management.command("/actuator/eventprocessors/sku-totals/pause");
		assertThat(paused.getStatusCode().value()).isEqualTo(200);
		assertThat(paused.getBody().get("state").asString()).isEqualTo("PAUSED");
		management.command("/actuator/eventprocessors/sku-totals/resume");
	}

}
