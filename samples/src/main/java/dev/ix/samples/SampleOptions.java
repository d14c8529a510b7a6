package dev.ix.samples;

import dev.ix.reactor.IxTransports;

/**
 * The command line every sample server takes.
 *
 * <pre>
 *   --transport ix|epoll|io_uring|nio   default ix (falls back to epoll/NIO when ix is unavailable; auto: the same)
 *   --host ADDRESS                      default 0.0.0.0 (all interfaces)
 *   --port N                            default: the sample's own port; 0 picks a free one
 *   --threads N                         event loops, default 1
 *   --cpus LIST                         ix: pin loop i to the i-th CPU of LIST (taskset syntax: 1,2 or 0-3)
 *   --cpu-steering                      ix: steer each connection to the loop of the CPU that received it
 * </pre>
 *
 * <p>Both {@code --name value} and {@code --name=value} are accepted; a later flag overrides an earlier one.
 *
 * @param transport a name from {@link IxTransports#NAMES}
 * @param host      address to bind
 * @param port      port to bind, 0..65535
 * @param threads   number of event loops, 1..1024
 * @param cpus      CPU list the ix loops are pinned to, or {@code ""}
 * @param steering  attach the CPU-steering program to the ix listeners
 * @param help      {@code --help} or {@code -h} was given
 */
public record SampleOptions(String transport, String host, int port, int threads, String cpus, boolean steering,
                            boolean help) {

    /** Usage text for the options above, without the program line. */
    public static final String USAGE = """
              --transport ix|epoll|io_uring|nio   transport (default ix; falls back to epoll/NIO if ix is unavailable)
              --host ADDRESS                      address to bind (default 0.0.0.0)
              --port N                            port to bind (default %d; 0 picks a free port)
              --threads N                         event loop threads (default 1)
              --cpus LIST                         ix: pin loop i to the i-th CPU of LIST (e.g. 1,2 or 0-3)
              --cpu-steering                      ix: each connection goes to the loop of the CPU that received it
              -h, --help                          this text
            """;

    /**
     * Parses {@code args}.
     *
     * @throws IllegalArgumentException naming the flag, the value and what was expected
     */
    public static SampleOptions parse(String[] args, int defaultPort) {
        String transport = "ix";
        String host = "0.0.0.0";
        int port = defaultPort;
        int threads = 1;
        String cpus = "";
        boolean steering = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (arg.equals("--cpu-steering")) {
                steering = true;
                continue;
            }
            CommandLineFlag f = CommandLineFlag.at(args, i);
            i = f.last();
            String flag = f.name();
            String value = f.value();
            switch (flag) {
                case "--transport" -> {
                    if (!IxTransports.NAMES.contains(value)) {
                        throw new IllegalArgumentException("--transport: " + value + " (expected: one of "
                                + String.join(", ", IxTransports.NAMES) + ")");
                    }
                    transport = value;
                }
                case "--host" -> host = value;
                case "--port" -> port = intIn(flag, value, 0, 65535);
                case "--threads" -> threads = intIn(flag, value, 1, 1024);
                case "--cpus" -> {
                    if (!value.matches("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*")) {
                        throw new IllegalArgumentException("--cpus: " + value + " (expected: a CPU list such as 1,2"
                                + " or 0-3)");
                    }
                    cpus = value;
                }
                default -> throw new IllegalArgumentException("unknown option: " + flag);
            }
        }
        return new SampleOptions(transport, host, port, threads, cpus, steering, help);
    }

    static int intIn(String flag, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return n;
    }
}
