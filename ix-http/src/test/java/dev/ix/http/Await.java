package dev.ix.http;

/** Polls an assertion until it holds: what the server records on its loop shows up shortly after the answer. */
final class Await {
    private static final long TIMEOUT_MILLIS = 20_000;

    private Await() {
    }

    static void until(Runnable assertion) {
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
