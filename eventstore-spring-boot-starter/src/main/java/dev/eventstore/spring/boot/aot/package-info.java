/**
 * Native images and AOT: what the store needs reflectively or as resources, declared for
 * GraalVM.
 */
@NullMarked
package dev.eventstore.spring.boot.aot;

import org.jspecify.annotations.NullMarked;
