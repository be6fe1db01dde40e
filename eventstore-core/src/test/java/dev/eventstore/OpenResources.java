package dev.eventstore;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, the last opened first, after each test, even when the test
 * failed: stores, processors, pools. A field of the test class,
 * {@code @RegisterExtension final OpenResources open = new OpenResources();}, and
 * {@code this.open.keep(...)} around what is opened. Every resource is closed even if one
 * fails to close; the first failure is thrown, the others suppressed in it.
 */
public final class OpenResources implements AfterEachCallback {

	private final List<AutoCloseable> resources = new ArrayList<>();

	/**
	 * Closes a resource after the test.
	 * @param <T> its type
	 * @param resource the resource
	 * @return the resource
	 */
	public synchronized <T extends AutoCloseable> T keep(T resource) {
		this.resources.add(resource);
		return resource;
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		List<AutoCloseable> closing;
		synchronized (this) {
			closing = new ArrayList<>(this.resources);
			this.resources.clear();
		}
		Exception failure = null;
		for (int i = closing.size() - 1; i >= 0; i--) {
			try {
				closing.get(i).close();
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
