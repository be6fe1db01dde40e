/**
 * Personal data that can be erased without rewriting history (crypto-shredding): each
 * data subject's {@link dev.eventstore.types.PersonalData personal fields} are encrypted
 * under a key of the subject's own, kept in a
 * {@link dev.eventstore.personal.SubjectKeyStore} wrapped by the application's master
 * key; erasing the subject destroys the key.
 */
@NullMarked
package dev.eventstore.personal;

import org.jspecify.annotations.NullMarked;
