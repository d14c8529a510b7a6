package dev.ix.transport.test;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that needs the ix io_uring transport. Before the class runs, {@link IoUringRequirement}
 * checks {@code IxTransport.isAvailable()}: when the transport is unavailable the class is skipped, or — when the
 * build sets {@code -Ddev.ix.test.requireIoUring=true}, as the parent pom does — it fails with the cause.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(IoUringRequirement.class)
public @interface RequiresIoUring {
}
