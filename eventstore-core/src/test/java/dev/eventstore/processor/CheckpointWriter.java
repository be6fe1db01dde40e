package dev.eventstore.processor;

import java.nio.file.Path;

/** A child process that saves checkpoints as fast as it can until it is killed. */
final class CheckpointWriter {

	private CheckpointWriter() {
	}

	public static void main(String[] args) {
		CheckpointStore store = CheckpointStore.besideJournal(Path.of(args[0]));
		Checkpoint last = store.load("killed").orElse(null);
		long position = (last != null) ? last.position() : 0;
		for (long i = position + 1;; i++) {
			Checkpoint next = new Checkpoint(i, i / 2);
			store.save("killed", last, next);
			last = next;
			if (i == position + 1) {
				System.out.println("saving");
				System.out.flush();
			}
		}
	}

}
