/**
 * Internal helpers shared by the store's packages; not API, may change without notice.
 */
@NullMarked
package dev.eventstore.internal;

import org.jspecify.annotations.NullMarked;
