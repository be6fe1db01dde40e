package dev.eventstore.processor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DeliveryTests {

	@Test
	void aDeliveryOfAProcessorOfOneSegmentOwnsEveryStream() {
		Delivery delivery = new Delivery(false, 1);

		assertThat(delivery.segment()).isZero();
		assertThat(delivery.segments()).isOne();
		assertThat(delivery.owns("cart-1")).isTrue();
	}

	@Test
	void aSegmentOwnsTheStreamsItsHashGivesIt() {
		String stream = "cart-42";
		int segment = ProcessorSegments.of(stream, 4);

		assertThat(new Delivery(false, 1, segment, 4).owns(stream)).isTrue();
		assertThat(new Delivery(false, 1, (segment + 1) % 4, 4).owns(stream)).isFalse();
	}

	@Test
	void anAttemptBelowOneOrASegmentOutsideTheProcessorsIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Delivery(false, 0))
			.withMessageContaining("attempt must be at least 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new Delivery(false, 1, 4, 4))
			.withMessageContaining("segment must be from 0 to segments - 1, was 4 of 4");
		assertThatIllegalArgumentException().isThrownBy(() -> new Delivery(false, 1, -1, 4))
			.withMessageContaining("was -1 of 4");
		assertThatIllegalArgumentException().isThrownBy(() -> new Delivery(false, 1, 0, 0))
			.withMessageContaining("was 0 of 0");
	}

}
