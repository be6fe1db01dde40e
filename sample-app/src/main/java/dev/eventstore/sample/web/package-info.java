/**
 * HTTP errors as RFC 9457 problem details.
 */
@NullMarked
package dev.eventstore.sample.web;

import org.jspecify.annotations.NullMarked;
