package dev.eventstore.types;

import dev.eventstore.types.EventType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EventTypesTests {

	@EventType(value = "CartOpened", aliases = { "CartCreated", "BasketCreated" }, revision = 3)
	record CartOpened(String id) {
	}

	@EventType("CartOpened")
	record OtherCartOpened(String id) {
	}

	@EventType("BasketCreated")
	record BasketCreated(String id) {
	}

	record NotAnnotated(String id) {
	}

	@Test
	void mapsNamesAndAliasesToTheClassAndTheClassToItsNameAndRevision() {
		EventTypes types = EventTypes.of(CartOpened.class);
		assertThat(types.classFor("CartOpened")).contains(CartOpened.class);
		assertThat(types.classFor("CartCreated")).contains(CartOpened.class);
		assertThat(types.classFor("BasketCreated")).contains(CartOpened.class);
		assertThat(types.classFor("Unknown")).isEmpty();
		assertThat(types.nameOf(CartOpened.class)).contains("CartOpened");
		assertThat(types.revisionOf("CartCreated")).isEqualTo(3);
		assertThat(types.revisionOf("Unknown")).isEqualTo(1);
	}

	@Test
	void twoClassesClaimingOneNameFailNamingBoth() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventTypes.of(CartOpened.class, OtherCartOpened.class))
			.withMessageContaining("'CartOpened'")
			.withMessageContaining(CartOpened.class.getName())
			.withMessageContaining(OtherCartOpened.class.getName());
		assertThatIllegalArgumentException().isThrownBy(() -> EventTypes.of(CartOpened.class, BasketCreated.class))
			.withMessageContaining("'BasketCreated'")
			.withMessageContaining(BasketCreated.class.getName());
	}

	@Test
	void classesAreDeclaredNeverGuessed() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventTypes.of(NotAnnotated.class))
			.withMessageContaining(NotAnnotated.class.getName())
			.withMessageContaining("not annotated with @EventType");
		EventTypes types = EventTypes.builder().register("Plain", NotAnnotated.class).build();
		assertThat(types.classFor("Plain")).contains(NotAnnotated.class);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EventTypes.builder().register("A", NotAnnotated.class).register("B", NotAnnotated.class))
			.withMessageContaining("registered as 'A' already");
	}

}
