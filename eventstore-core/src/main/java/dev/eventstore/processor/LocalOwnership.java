package dev.eventstore.processor;

/** The ownership of a store no other process shares: always held. */
enum LocalOwnership implements ProcessorOwnership {

	INSTANCE;

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

}
