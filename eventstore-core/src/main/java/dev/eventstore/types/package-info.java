/**
 * Event types: which class the data of a stored type name is read back as.
 */
@NullMarked
package dev.eventstore.types;

import org.jspecify.annotations.NullMarked;
