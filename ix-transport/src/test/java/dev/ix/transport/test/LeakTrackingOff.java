package dev.ix.transport.test;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class whose tests run with Netty's leak tracking switched off ({@link LeakTrackingOffExtension}): an
 * allocation test, since paranoid tracking records a stack trace per buffer, the very allocation such a test must
 * not see. The level in force before each test is restored after it, so the class's leak check still runs.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(LeakTrackingOffExtension.class)
public @interface LeakTrackingOff {
}
