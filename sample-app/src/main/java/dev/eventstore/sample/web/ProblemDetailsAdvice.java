package dev.eventstore.sample.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.sample.cart.CartNotFound;
import dev.eventstore.sample.cart.CartRuleViolation;
import dev.eventstore.sample.cart.InvalidIfMatch;
import dev.eventstore.sample.cart.OutOfStock;
import org.jspecify.annotations.Nullable;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Errors as RFC 9457 problem details: a concurrency conflict is 409 with the expected and
 * actual versions, a broken cart rule 422, bad input 400 naming each field at fault, an
 * unknown cart 404.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	@ExceptionHandler
	ProblemDetail conflict(ConcurrencyConflictException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		problem.setTitle("Concurrent modification");
		problem.setProperty("streamId", ex.streamId());
		problem.setProperty("expectedVersion", versionOf(ex.expectedVersion()));
		problem.setProperty("actualVersion", ex.actualVersion());
		return problem;
	}

	private static Object versionOf(ExpectedVersion expected) {
		return (expected instanceof ExpectedVersion.Exactly exactly) ? exactly.version() : expected.describe();
	}

	@ExceptionHandler
	ProblemDetail outOfStock(OutOfStock ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		problem.setTitle("Out of stock");
		problem.setProperty("sku", ex.sku());
		problem.setProperty("available", ex.available());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail ruleViolated(CartRuleViolation ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
		problem.setTitle("Cart rule violated");
		return problem;
	}

	@ExceptionHandler
	ProblemDetail notFound(CartNotFound ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setTitle("Cart not found");
		return problem;
	}

	@ExceptionHandler
	ProblemDetail badIfMatch(InvalidIfMatch ex) {
		return badRequest(ex.getMessage(), List.of(Map.of("field", "If-Match", "message", ex.getMessage())));
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, Object>> errors = new ArrayList<>();
		for (FieldError error : ex.getBindingResult().getFieldErrors()) {
			errors.add(Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage())));
		}
		return ResponseEntity.badRequest().body(badRequest("Invalid request body", errors));
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
			HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, Object>> errors = new ArrayList<>();
		ex.getParameterValidationResults().forEach((result) -> {
			if (result instanceof ParameterErrors body) {
				for (FieldError error : body.getFieldErrors()) {
					errors.add(Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage())));
				}
				return;
			}
			String field = result.getMethodParameter().getParameterName();
			for (MessageSourceResolvable error : result.getResolvableErrors()) {
				errors
					.add(Map.of("field", String.valueOf(field), "message", String.valueOf(error.getDefaultMessage())));
			}
		});
		return ResponseEntity.badRequest().body(badRequest("Invalid request", errors));
	}

	private static ProblemDetail badRequest(String detail, List<Map<String, Object>> errors) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setTitle("Bad request");
		problem.setProperty("errors", errors);
		return problem;
	}

}
