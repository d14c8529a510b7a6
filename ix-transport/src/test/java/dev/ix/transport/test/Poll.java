package dev.ix.transport.test;

import java.util.function.BooleanSupplier;

/**
 * Waits for what another thread (a loop, the watchdog, the kernel) does: checks a condition every 10 ms. The 10 s
 * bound only keeps a broken build from hanging; no test asserts how long anything takes.
 */
public final class Poll {
    private static final int TRIES = 1000;
    private static final long INTERVAL_MILLIS = 10;

    private Poll() {
    }

    /** @return whether {@code condition} held before the bound ran out; the caller asserts what it expects */
    public static boolean until(BooleanSupplier condition) throws InterruptedException {
        return until(TRIES * INTERVAL_MILLIS, condition);
    }

    /**
     * For a condition that normally holds at once, where waiting the full 10 s on each failure would be too long.
     *
     * @return whether {@code condition} held within about {@code boundMillis}
     */
    public static boolean until(long boundMillis, BooleanSupplier condition) throws InterruptedException {
        long tries = Math.max(1, boundMillis / INTERVAL_MILLIS);
        for (long i = 0; i < tries; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(INTERVAL_MILLIS);
        }
        return condition.getAsBoolean();
    }
}
