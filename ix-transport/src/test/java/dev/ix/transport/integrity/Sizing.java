package dev.ix.transport.integrity;

/**
 * How much each run of the integrity suite carries. {@link #current()} is the CI size (the whole suite in about two
 * minutes on a two-core machine) unless {@value #LONG_PROP_NAME} is {@code true}, the long run: more streams,
 * up to 8 MiB each.
 *
 * @param connections checked streams per run, all open at once
 * @param maxBytes    the longest stream (lengths are uniform in 0..maxBytes, every eighth stream 0..64 B)
 * @param keepsUp     the clients read the echo as fast as the server sends it, so the echo server's close on the
 *                    client's FIN finds its echo already in the kernel: true at the CI size; at the long size (500
 *                    streams on two loops sharing two cores with the server) they fall behind, and Netty epoll's echo
 *                    server then cuts about a quarter of the streams (132 of 500 in one run), so echo streams are
 *                    held to the prefix rule there
 */
record Sizing(int connections, long maxBytes, boolean keepsUp) {

    /** System property: {@code true} runs the long integrity suite. */
    static final String LONG_PROP_NAME = "dev.ix.test.integrity.long";

    /** System property: the seed of a run to repeat (its failure message names it); default: a new one. */
    static final String SEED_PROP_NAME = "dev.ix.test.integrity.seed";

    static final Sizing CI = new Sizing(200, 4 * 1024 * 1024, true);
    static final Sizing LONG = new Sizing(500, 8 * 1024 * 1024, false);

    static Sizing current() {
        return Boolean.getBoolean(LONG_PROP_NAME) ? LONG : CI;
    }

    /** @return the seed to use: {@value #SEED_PROP_NAME} when set, else a fresh one */
    static long seed() {
        String fixed = System.getProperty(SEED_PROP_NAME);
        return fixed == null || fixed.isBlank() ? System.nanoTime() : Long.parseLong(fixed.trim());
    }
}
