package dev.eventstore;

import java.time.Clock;
import java.util.UUID;

import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.personal.PersonalDataProtection;
import org.jspecify.annotations.Nullable;

/**
 * A store's erasures of personal data: a subject's key destroyed, then announced by a
 * {@link PersonalDataErased} event so that handlers erase their copies — at once, or at
 * the store's next open when a crash or a refused append cut the announcement short.
 * Thread-safe.
 */
final class PersonalDataErasures {

	private static final System.Logger logger = System.getLogger(DefaultEventStore.class.getName());

	/** How many of the erasures' stream's last events an open looks through. */
	private static final int RECENT = 256;

	/** Appends an erasure's event to its stream. */
	@FunctionalInterface
	interface Announcer {

		void append(NewEvent event);

	}

	private final PersonalDataProtection protection;

	private final Journal journal;

	private final Observers observers;

	private final Clock clock;

	private final Announcer announcer;

	PersonalDataErasures(PersonalDataProtection protection, Journal journal, Observers observers, Clock clock,
			Announcer announcer) {
		this.protection = protection;
		this.journal = journal;
		this.observers = observers;
		this.clock = clock;
		this.announcer = announcer;
	}

	/** See {@link EventStore#erasePersonalData}; the store is open and the id checked. */
	boolean erase(String subjectId) {
		if (this.journal.joinsCallerTransaction()) {
			throw new IllegalStateException("erasePersonalData cannot run inside a transaction: it destroys the "
					+ "subject's key at once, which no rollback undoes, while its PersonalDataErased event would roll "
					+ "back with the transaction and never reach the handlers; call it after the transaction commits "
					+ "(from a @TransactionalEventListener of phase AFTER_COMMIT, say); nothing was erased");
		}
		if (!this.protection.erase(subjectId)) {
			return false;
		}
		String subject = this.protection.subjectReference(subjectId);
		this.observers.personalDataErased(subject);
		try {
			announce(subject, false);
		}
		catch (RuntimeException ex) {
			// The key is gone for good: the erasure holds, and a second call finds no
			// key. Only the handlers' notice is missing, and only the caller can send it
			// now.
			throw new EventStoreException("The subject's personal data is erased (its key is destroyed), but the "
					+ "PersonalDataErased event could not be appended to stream '" + PersonalDataErased.STREAM + "': "
					+ ex.getMessage() + "; the store appends it when it opens next, or append new PersonalDataErased(\""
					+ subject + "\", <now>) to that stream yourself once the journal takes appends (calling "
					+ "erasePersonalData again does nothing: the key is gone)", ex);
		}
		return true;
	}

	/**
	 * Appends an erasure's {@link PersonalDataErased} event, then drops its note. The
	 * event's id is the erasure's own when the key store keeps a fingerprint of it: an
	 * event of that id already stored is this erasure's, announced before its note could
	 * be dropped, and is not appended again.
	 * @param pending whether the erasure was found pending at open: its event may be
	 * stored already, looked for among the stream's last events before appending
	 * @return whether the event was appended now
	 */
	private boolean announce(String subject, boolean pending) {
		UUID id = this.protection.erasureEventId(subject);
		// Looked for first rather than found by an append refusing the id, which the
		// store's metrics would count as a failed append.
		boolean appended = (id == null || !pending || !storedRecently(id)) && append(subject, id);
		if (!appended) {
			logger.log(System.Logger.Level.INFO, "The erasure of subject " + subject + " is announced already (event "
					+ id
					+ ", before a crash kept its note from being dropped, or by another instance); not announced again");
		}
		try {
			this.protection.erasureAnnounced(subject);
		}
		catch (RuntimeException ex) {
			// Announced all the same; the next open finds the note left, and the event
			// stored under the erasure's id (or, without a fingerprint, announces again).
			logger.log(System.Logger.Level.WARNING,
					"An erasure is announced, but its note could not be dropped" + " (the next open drops it): " + ex,
					ex);
		}
		return appended;
	}

	/** Appends the event; false when the journal holds an event of the erasure's id. */
	private boolean append(String subject, @Nullable UUID id) {
		NewEvent event = NewEvent.of(new PersonalDataErased(subject, this.clock.instant()));
		try {
			this.announcer.append((id != null) ? event.withId(id) : event);
			return true;
		}
		catch (EventIdConflictException ex) {
			if (id == null || !ex.eventId().equals(id)) {
				throw ex;
			}
			return false;
		}
	}

	/**
	 * Whether one of the last {@value #RECENT} events of the erasures' stream has this
	 * id: an erasure a crash cut short after its event was appended, before its note was
	 * dropped, has its event there. An older one (or one another instance appends in
	 * between) is found by the append, which refuses the id.
	 */
	private boolean storedRecently(UUID id) {
		long version = this.journal.streamVersion(PersonalDataErased.STREAM);
		if (version == 0) {
			return false;
		}
		long from = Math.max(1, version - RECENT + 1);
		for (StoredEvent stored : this.journal.readStream(PersonalDataErased.STREAM, from, RECENT)) {
			if (stored.id().equals(id)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Announces the erasures a crash cut short (the key destroyed, its event not
	 * appended): at open, so that handlers erase their copies. One the journal refuses
	 * stays pending for the next open.
	 */
	void announcePending() {
		for (String subject : this.protection.pendingErasures()) {
			try {
				if (announce(subject, true)) {
					logger.log(System.Logger.Level.INFO,
							"Announced the erasure of subject " + subject + ", which a crash had cut short");
				}
			}
			catch (RuntimeException ex) {
				logger.log(System.Logger.Level.WARNING, "Cannot announce the erasure of subject " + subject
						+ " (its key is destroyed); trying again at the next open: " + ex, ex);
			}
		}
	}

}
