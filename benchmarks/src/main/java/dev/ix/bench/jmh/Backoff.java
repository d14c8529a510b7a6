package dev.ix.bench.jmh;

/**
 * How a benchmark thread waits for its peer in a JMH group: a short spin, then yielding the CPU. Spinning alone
 * would starve the peer when both share one core (this machine has two, shared with JMH and the system).
 */
final class Backoff {
    /** Failed attempts spent spinning before each further attempt yields. */
    static final int SPINS = 100;

    private Backoff() {
    }

    /** @param attempt how many attempts have failed so far, from 0 */
    static void idle(int attempt) {
        if (attempt < SPINS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }
}
