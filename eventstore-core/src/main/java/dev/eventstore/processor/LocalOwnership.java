package dev.eventstore.processor;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The ownership of a store no other process shares: always held. */
enum LocalOwnership implements ProcessorOwnership {

	INSTANCE;

	/** {@code <host>:<pid>}, this process's name among instances. */
	static final String INSTANCE_NAME = hostName() + ":" + ProcessHandle.current().pid();

	private static String hostName() {
		String fromEnvironment = System.getenv("HOSTNAME");
		if (fromEnvironment != null && !fromEnvironment.isBlank()) {
			return fromEnvironment;
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException | RuntimeException ex) {
			return "localhost";
		}
	}

	@Override
	public boolean tryAcquire(String processor) {
		return true;
	}

	@Override
	public boolean isHeld(String processor) {
		return true;
	}

	@Override
	public void release(String processor) {
	}

	@Override
	public String ownerOf(String name) {
		return INSTANCE_NAME;
	}

}
