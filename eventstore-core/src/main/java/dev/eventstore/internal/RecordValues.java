package dev.eventstore.internal;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

import org.jspecify.annotations.Nullable;

/**
 * Reads a record's component through its accessor, whatever the record's visibility (a
 * payload class nested privately in an application's class, say).
 */
public final class RecordValues {

	private RecordValues() {
	}

	/**
	 * A component's value.
	 * @param component the component
	 * @param record a record of the component's class
	 * @return the value
	 * @throws IllegalStateException naming the component if it cannot be read, or its
	 * accessor throws
	 */
	public static @Nullable Object of(RecordComponent component, Object record) {
		try {
			Method accessor = component.getAccessor();
			accessor.setAccessible(true);
			return accessor.invoke(record);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new IllegalStateException("Cannot read " + component.getName() + " of " + record.getClass(), ex);
		}
	}

}
