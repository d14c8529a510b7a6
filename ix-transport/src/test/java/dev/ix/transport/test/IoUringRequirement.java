package dev.ix.transport.test;

import dev.ix.transport.IxTransport;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * The one place that decides what a test needing io_uring does on a machine without it: skip (an assumption fails)
 * or, when {@value #REQUIRE_IO_URING_PROP_NAME} is {@code true}, fail loudly so a CI machine that should have
 * io_uring cannot pass by skipping everything. Apply it with {@link RequiresIoUring}.
 *
 * <p>The check runs before the class's {@code @BeforeAll} methods and before anything creates an ix event loop.
 */
public final class IoUringRequirement implements BeforeAllCallback {

    /** System property: {@code true} turns "io_uring unavailable" from a skip into a failure. */
    public static final String REQUIRE_IO_URING_PROP_NAME = "dev.ix.test.requireIoUring";

    /** Default of {@value #REQUIRE_IO_URING_PROP_NAME} when the property is not set. */
    public static final boolean REQUIRE_IO_URING_DEFAULT = false;

    @Override
    public void beforeAll(ExtensionContext context) {
        check(context.getDisplayName());
    }

    /**
     * Returns normally when the ix transport is available; otherwise aborts (skips) the caller, or fails it when
     * io_uring is required.
     *
     * @param what the test or class that needs io_uring, for the message
     * @throws TestAbortedException when io_uring is unavailable and not required
     * @throws AssertionError       when io_uring is unavailable and {@value #REQUIRE_IO_URING_PROP_NAME} is true
     */
    public static void check(String what) {
        if (IxTransport.isAvailable()) {
            return;
        }
        Throwable cause = IxTransport.unavailabilityCause();
        if (isRequired()) {
            throw new AssertionError(what + ": the ix io_uring transport is unavailable but -D"
                    + REQUIRE_IO_URING_PROP_NAME + "=true (the build default) requires it: " + cause
                    + "\nRun on a kernel with io_uring enabled, or pass -D" + REQUIRE_IO_URING_PROP_NAME
                    + "=false (Maven: -Dix.test.requireIoUring=false) to skip these tests instead.", cause);
        }
        throw new TestAbortedException(what + ": skipped, the ix io_uring transport is unavailable: " + cause, cause);
    }

    /** @return whether {@value #REQUIRE_IO_URING_PROP_NAME} asks for an unavailable transport to fail the run */
    public static boolean isRequired() {
        String value = System.getProperty(REQUIRE_IO_URING_PROP_NAME);
        return value == null ? REQUIRE_IO_URING_DEFAULT : Boolean.parseBoolean(value.trim());
    }
}
