package dev.ix.bench.load;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ix.transport.IxTransport;

/**
 * What a test on the ix transport does where io_uring is unusable: fails, unless
 * {@code -Ddev.ix.test.requireIoUring=false} says this machine is known to lack it (then the test is skipped), as
 * for the rest of the build.
 */
final class IxRequirement {

    private IxRequirement() {
    }

    static void check(LoadTransport transport) {
        if (transport != LoadTransport.IX || IxTransport.isAvailable()) {
            return;
        }
        if (Boolean.parseBoolean(System.getProperty("dev.ix.test.requireIoUring", "true").trim())) {
            throw new AssertionError("the ix transport is unavailable: " + IxTransport.unavailabilityCause()
                    + " (pass -Dix.test.requireIoUring=false to skip instead)", IxTransport.unavailabilityCause());
        }
        assumeTrue(false, "the ix transport is unavailable: " + IxTransport.unavailabilityCause());
    }
}
