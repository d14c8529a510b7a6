package dev.ix.samples.kv;

import dev.ix.reactor.IxTransports;

import java.util.Locale;

/**
 * kv's command line.
 *
 * <pre>
 *   --port N                            default 11211; 0 picks a free port
 *   --host ADDRESS                      default 0.0.0.0
 *   --threads N                         event loops, default one per available processor
 *   --cpus LIST                         ix: pin loop i to the i-th CPU of LIST (1,2 or 0-3)
 *   -m MB                               memory for items in MiB, default 64 (memcached's -m)
 *   -I BYTES                            largest item, default 1m (memcached's -I; k and m suffixes)
 *   --transport ix|epoll|io_uring|nio   default ix (falls back to epoll/NIO when ix is unavailable)
 * </pre>
 *
 * @param port         port to bind, 0..65535
 * @param host         address to bind
 * @param threads      event loops, 1..1024
 * @param cpus         CPU list the ix loops are pinned to, or {@code ""}
 * @param memoryMb     memory for items, MiB
 * @param itemMaxBytes largest item in bytes, header included
 * @param transport    a name from {@link IxTransports#NAMES}
 * @param help         {@code -h} or {@code --help} was given
 */
record KvOptions(int port, String host, int threads, String cpus, long memoryMb, int itemMaxBytes, String transport,
                 boolean help) {
    static final int DEFAULT_PORT = 11211;

    static final String USAGE = """
            usage: kv [options]   (./ix kv)
              --port N                            port to bind (default 11211, or $IX_PORT with ./ix; 0 picks one)
              --host ADDRESS                      address to bind (default 0.0.0.0)
              --threads N                         event loops (default one per available processor)
              --cpus LIST                         ix: pin loop i to the i-th CPU of LIST (e.g. 1,2 or 0-3)
              -m MB                               memory for items, MiB (default 64, as memcached's -m)
              -I SIZE                             largest item (default 1m; suffixes k, m; as memcached's -I)
              --transport ix|epoll|io_uring|nio   transport (default ix; falls back to epoll/NIO if unavailable)
              -h, --help                          this text
            """;

    static KvOptions defaults() {
        return new KvOptions(DEFAULT_PORT, "0.0.0.0", Runtime.getRuntime().availableProcessors(), "", 64,
                1024 * 1024, "ix", false);
    }

    KvOptions withPort(int p) {
        return new KvOptions(p, host, threads, cpus, memoryMb, itemMaxBytes, transport, help);
    }

    KvOptions withThreads(int n) {
        return new KvOptions(port, host, n, cpus, memoryMb, itemMaxBytes, transport, help);
    }

    KvOptions withMemoryMb(long mb) {
        return new KvOptions(port, host, threads, cpus, mb, itemMaxBytes, transport, help);
    }

    KvOptions withHost(String h) {
        return new KvOptions(port, h, threads, cpus, memoryMb, itemMaxBytes, transport, help);
    }

    /** @throws IllegalArgumentException naming the flag, the value and what was expected */
    static KvOptions parse(String[] args) {
        KvOptions o = defaults();
        int port = o.port;
        String host = o.host;
        int threads = o.threads;
        String cpus = o.cpus;
        long memoryMb = o.memoryMb;
        int itemMax = o.itemMaxBytes;
        String transport = o.transport;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            String flag = arg;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                flag = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(arg + ": missing value");
            }
            switch (flag) {
                case "--port", "-p" -> port = (int) number(flag, value, 0, 65535);
                case "--host", "-l" -> host = value;
                case "--threads", "-t" -> threads = (int) number(flag, value, 1, 1024);
                case "--cpus" -> {
                    if (!value.matches("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*")) {
                        throw new IllegalArgumentException("--cpus: " + value
                                + " (expected: a CPU list such as 1,2 or 0-3)");
                    }
                    cpus = value;
                }
                case "-m", "--memory-limit" -> memoryMb = number(flag, value, 1, 1 << 20);
                case "-I", "--max-item-size" -> itemMax = (int) size(flag, value, 1024, 1 << 30);
                case "--transport" -> {
                    if (!IxTransports.NAMES.contains(value)) {
                        throw new IllegalArgumentException("--transport: " + value + " (expected: one of "
                                + String.join(", ", IxTransports.NAMES) + ")");
                    }
                    transport = value;
                }
                default -> throw new IllegalArgumentException("unknown option: " + flag);
            }
        }
        return new KvOptions(port, host, threads, cpus, memoryMb, itemMax, transport, help);
    }

    private static long number(String flag, String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return n;
    }

    private static long size(String flag, String value, long min, long max) {
        String v = value.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("k")) {
            unit = 1024;
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            unit = 1024 * 1024;
            v = v.substring(0, v.length() - 1);
        }
        long n;
        try {
            n = Long.parseLong(v) * unit;
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: " + min + ".." + max
                    + " bytes, or with a k or m suffix)");
        }
        return n;
    }
}
