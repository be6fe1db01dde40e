package dev.eventstore.spring.boot.processor;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.eventstore.processor.StartPoint;

/**
 * Makes a bean a durable event processor: a {@link dev.eventstore.processor.Processor}
 * with this name delivers every event of the log to the bean, in order, records how far
 * it got, and resumes there after a restart.
 *
 * <p>
 * The bean either implements {@link dev.eventstore.processor.EventHandler}, or has public
 * methods whose first parameter is an event class (an
 * {@link dev.eventstore.types.EventType &#64;EventType} class, or an interface or
 * superclass of some), optionally followed by the {@link dev.eventstore.StoredEvent} and
 * the {@link dev.eventstore.processor.Delivery}: <pre class="code">
 * &#64;EventProcessor("sku-totals")
 * class SkuTotals {
 *     public void on(ItemAdded added) { ... }
 *     public void on(CartCheckedOut checkedOut, StoredEvent event) { ... }
 *     &#64;ResetHandler public void clear() { ... }
 * }
 * </pre> Events no method takes are passed over. Settings live under
 * {@code eventstore.processors.<name>.*}.
 *
 * @since 0.2.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventProcessor {

	/** The processor's unique name: letters, digits, '.', '-' and '_'. */
	String value();

	/**
	 * Where a first run starts; {@code eventstore.processors.<name>.start-from} overrides
	 * it.
	 */
	StartPoint startFrom() default StartPoint.BEGINNING;

	/**
	 * Where the checkpoint lives; {@code eventstore.processors.<name>.checkpoints}
	 * overrides it.
	 */
	Checkpoints checkpoints() default Checkpoints.DURABLE;

	/**
	 * How many segments split the processor's work by stream (see
	 * {@link dev.eventstore.processor.ProcessorSegments}): each runs on a thread of its
	 * own, and instances sharing a PostgreSQL journal share them out.
	 * {@code eventstore.processors.<name>.segments} overrides it.
	 */
	int segments() default 1;

	/** Where a processor's checkpoint lives. */
	enum Checkpoints {

		/**
		 * Beside the journal file, or in the journal's database (in memory for an
		 * in-memory store): the processor resumes after a restart.
		 */
		DURABLE,

		/**
		 * On the heap: the processor starts from its start point in every run, as a read
		 * model held in memory must.
		 */
		MEMORY

	}

}
