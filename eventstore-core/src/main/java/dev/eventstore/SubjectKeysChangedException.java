package dev.eventstore;

import java.util.List;

import dev.eventstore.personal.SubjectKeysUsed;

/**
 * A journal refused an append because the key store no longer holds a key the append's
 * personal values were sealed under ({@link SubjectKeysUsed}, checked by a journal that
 * {@link Journal#checksSubjectKeys checks them}): another instance erased the subject
 * since this one cached its key. Nothing was written. The store seals the values again
 * under the key the store holds now (a new one: data given after an erasure is not erased
 * with it) and appends again; an application sees this only from a journal called
 * directly.
 *
 * @since 0.2.0
 */
public class SubjectKeysChangedException extends EventStoreException {

	private static final long serialVersionUID = 1L;

	private final List<String> subjects;

	/**
	 * @param streamId the stream of the append refused
	 * @param subjects the references of the subjects whose keys are gone or replaced
	 */
	public SubjectKeysChangedException(String streamId, List<String> subjects) {
		super("The append to stream '" + streamId + "' was sealed under " + subjects.size()
				+ " data subject key(s) the key store no longer holds (erased by another instance); "
				+ "nothing was written");
		this.subjects = List.copyOf(subjects);
	}

	/**
	 * The references of the subjects whose keys are gone or replaced.
	 * @return them
	 */
	public List<String> subjects() {
		return this.subjects;
	}

}
