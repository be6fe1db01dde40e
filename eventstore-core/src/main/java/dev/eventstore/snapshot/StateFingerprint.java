package dev.eventstore.snapshot;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import dev.eventstore.internal.Sha256;

/**
 * The shape of a state class as a hash: its record components (or instance fields) with
 * their names and generic types, recursively into the application's own classes they use
 * (JDK types stand by their names; enums with their constants), plus a revision the
 * application bumps when the meaning changes without the shape. A snapshot saved under
 * another fingerprint is never read into the class.
 */
final class StateFingerprint {

	private StateFingerprint() {
	}

	static String of(Class<?> type, int revision) {
		StringBuilder shape = new StringBuilder("revision ").append(revision).append(';');
		describe(type, shape, new HashSet<>());
		byte[] digest = Sha256.of(shape.toString().getBytes(StandardCharsets.UTF_8));
		return HexFormat.of().formatHex(digest, 0, 16);
	}

	/** The shape as text, for tests and messages. */
	static String shape(Class<?> type) {
		StringBuilder shape = new StringBuilder();
		describe(type, shape, new HashSet<>());
		return shape.toString();
	}

	private static void describe(Class<?> type, StringBuilder shape, Set<Class<?>> seen) {
		shape.append(type.getName());
		if (type.isPrimitive() || type.isArray() || type.getName().startsWith("java.") || !seen.add(type)) {
			if (type.isArray()) {
				shape.append('[');
				describe(type.getComponentType(), shape, seen);
				shape.append(']');
			}
			return;
		}
		if (type.isEnum()) {
			shape.append('{');
			for (Object constant : type.getEnumConstants()) {
				shape.append(((Enum<?>) constant).name()).append(',');
			}
			shape.append('}');
			return;
		}
		shape.append('{');
		if (type.isRecord()) {
			for (RecordComponent component : type.getRecordComponents()) {
				shape.append(component.getName()).append(':');
				describe(component.getGenericType(), shape, seen);
				shape.append(',');
			}
		}
		else {
			for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
				for (Field field : c.getDeclaredFields()) {
					int modifiers = field.getModifiers();
					if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.isSynthetic()) {
						continue;
					}
					shape.append(field.getName()).append(':');
					describe(field.getGenericType(), shape, seen);
					shape.append(',');
				}
			}
		}
		shape.append('}');
	}

	private static void describe(Type type, StringBuilder shape, Set<Class<?>> seen) {
		if (type instanceof Class<?> c) {
			describe(c, shape, seen);
		}
		else if (type instanceof ParameterizedType parameterized) {
			describe(parameterized.getRawType(), shape, seen);
			shape.append('<');
			for (Type argument : parameterized.getActualTypeArguments()) {
				describe(argument, shape, seen);
				shape.append(',');
			}
			shape.append('>');
		}
		else if (type instanceof GenericArrayType array) {
			describe(array.getGenericComponentType(), shape, seen);
			shape.append("[]");
		}
		else if (type instanceof WildcardType wildcard) {
			shape.append('?');
			for (Type bound : wildcard.getUpperBounds()) {
				describe(bound, shape, seen);
			}
		}
		else {
			shape.append(type.getTypeName());
		}
	}

}
