package dev.eventstore.spring.boot.actuate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps the {@code eventprocessors} endpoint's commands out of reach of a cross-site
 * request: a request that changes a processor ({@code POST}) must say
 * {@code Content-Type: application/json}. A browser sends such a request to another site
 * only after a CORS preflight the application has not allowed, whereas a body-less or
 * form {@code POST} from any page would reach the endpoint unasked (the actuator takes a
 * command's arguments from the path and query as well as the body, so the operation
 * itself cannot tell). Other requests pass untouched. This is no authentication: secure
 * the actuator with Spring Security in production.
 *
 * @since 0.2.0
 */
public final class EventProcessorsCommandGuard extends OncePerRequestFilter {

	private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private static final MediaType JSON_SUFFIX = MediaType.parseMediaType("application/*+json");

	private final Supplier<@Nullable String> endpointPath;

	/**
	 * @param endpointPath the endpoint's path below the server's context path (e.g.
	 * {@code /actuator/eventprocessors}), null while it is not exposed over HTTP
	 */
	public EventProcessorsCommandGuard(Supplier<@Nullable String> endpointPath) {
		this.endpointPath = endpointPath;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		if (SAFE_METHODS.contains(request.getMethod())) {
			return true;
		}
		String root = this.endpointPath.get();
		if (root == null) {
			return true;
		}
		String path = request.getRequestURI().substring(request.getContextPath().length());
		return !(path.equals(root) || path.startsWith(root + "/"));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (isJson(request.getContentType())) {
			chain.doFilter(request, response);
			return;
		}
		response.setStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter()
			.write("{\"status\":415,\"error\":\"A command to a processor needs Content-Type: application/json "
					+ "(it was " + jsonString(request.getContentType()) + "), so that no page of another site can "
					+ "send it\"}");
	}

	private static boolean isJson(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return MediaType.APPLICATION_JSON.isCompatibleWith(type) && !type.isWildcardSubtype()
					|| JSON_SUFFIX.includes(type);
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	private static String jsonString(@Nullable String value) {
		if (value == null) {
			return "none";
		}
		StringBuilder escaped = new StringBuilder("'");
		for (char c : value.toCharArray()) {
			escaped.append((c == '"' || c == '\\' || c < 0x20) ? '?' : c);
		}
		return escaped.append('\'').toString();
	}

}
