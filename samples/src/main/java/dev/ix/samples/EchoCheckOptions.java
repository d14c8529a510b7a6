package dev.ix.samples;

/**
 * The command line of {@link EchoCheck}.
 *
 * @param host        the echo server's address
 * @param port        its port
 * @param connections connections per run, all at once, 1..10000
 * @param bytes       bytes sent on each connection ({@code 1048576}, {@code 1M}, {@code 1.3M}, {@code 64K})
 * @param runs        how many times to repeat the experiment, one line each
 * @param help        {@code --help} or {@code -h} was given
 */
record EchoCheckOptions(String host, int port, int connections, long bytes, int runs, boolean help) {

    static final String USAGE = """
            usage: echo-check [options]
              --connections N   connections per run, all at once (default 4)
              --bytes B         bytes each connection sends: 1048576, 1M, 1.3M, 64K (default 1M)
              --host ADDRESS    the echo server (default 127.0.0.1)
              --port N          its port (default %d, the EchoServer sample's)
              --runs N          repeat the experiment, one line per run (default 1)
              -h, --help        this text
            """.formatted(EchoServer.DEFAULT_PORT);

    /**
     * @throws IllegalArgumentException naming the flag, the value and what was expected
     */
    static EchoCheckOptions parse(String[] args) {
        String host = "127.0.0.1";
        int port = EchoServer.DEFAULT_PORT;
        int connections = 4;
        long bytes = 1 << 20;
        int runs = 1;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return new EchoCheckOptions(host, port, connections, bytes, runs, true);
            }
            CommandLineFlag f = CommandLineFlag.at(args, i);
            i = f.last();
            String flag = f.name();
            String value = f.value();
            switch (flag) {
                case "--host" -> host = value;
                case "--port" -> port = (int) number(flag, value, 1, 65535);
                case "--connections" -> connections = (int) number(flag, value, 1, 10_000);
                case "--bytes" -> bytes = number(flag, value, 0, 1L << 40);
                case "--runs" -> runs = (int) number(flag, value, 1, 1000);
                default -> throw new IllegalArgumentException("unknown option: " + flag);
            }
        }
        return new EchoCheckOptions(host, port, connections, bytes, runs, false);
    }

    /** A number with an optional binary suffix K or M (1.3M = 1.3 × 2^20, rounded down). */
    private static long number(String flag, String value, long min, long max) {
        String v = value.trim().toUpperCase();
        long unit = v.endsWith("K") ? 1L << 10 : v.endsWith("M") ? 1L << 20 : 1;
        long n;
        try {
            n = (long) (Double.parseDouble(unit == 1 ? v : v.substring(0, v.length() - 1)) * unit);
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return n;
    }
}
