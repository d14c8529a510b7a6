package dev.ix.bench.load;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@link LoadCommand}: wrk2's options (getopt style: {@code -t4}, {@code -t 4},
 * {@code --threads 4}, {@code --threads=4}, {@code -LU}) and ours.
 *
 * @param url         the target, {@code http://host:port/path}, {@code rpc://host:port} or
 *                    {@code memcache://host:port/usr|etc}
 * @param threads     generator event loops
 * @param connections keep-alive connections
 * @param duration    the measured window
 * @param rate        requests per second over all connections; 0 = closed loop (no {@code -R})
 * @param latency     print the detailed percentile spectrum
 * @param uLatency    also print the uncorrected (service time) distribution
 * @param timeout     response timeout
 * @param headers     extra request headers
 * @param pipeline    requests in flight per connection
 * @param warmup      load before the window, not measured
 * @param transport   the generator's own transport
 * @param help        {@code --help} was given: nothing else matters
 */
record LoadArgs(URI url, int threads, int connections, Duration duration, double rate, boolean latency,
                boolean uLatency, Duration timeout, List<String> headers, int pipeline, Duration warmup,
                LoadTransport transport, boolean help) {

    /** A bad command line; the message is one line naming the option and the expected form. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** @return the run this command line asks for */
    LoadSpec spec() {
        return new LoadSpec(url, connections, threads, duration, warmup, rate, pipeline, transport, timeout);
    }

    /**
     * @throws UsageException for an unknown option, a missing or bad value, or a missing or extra URL
     */
    static LoadArgs parse(String[] argv) {
        return new Parser(argv).parse();
    }

    private static final class Parser {
        private final String[] argv;
        private int next;

        private int threads = 2;
        private int connections = 10;
        private Duration duration = Duration.ofSeconds(10);
        private double rate;
        private boolean latency;
        private boolean uLatency;
        private Duration timeout = Duration.ofSeconds(2);
        private final List<String> headers = new ArrayList<>();
        private int pipeline = 1;
        private Duration warmup = Duration.ofSeconds(5);
        private LoadTransport transport;
        private String url;

        Parser(String[] argv) {
            this.argv = argv;
        }

        LoadArgs parse() {
            boolean optionsEnded = false;
            while (next < argv.length) {
                String arg = argv[next++];
                if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                    positional(arg);
                } else if (arg.equals("--")) {
                    optionsEnded = true;
                } else if (arg.startsWith("--")) {
                    if (longOption(arg)) {
                        return help();
                    }
                } else if (shortOptions(arg)) {
                    return help();
                }
            }
            if (url == null) {
                throw new UsageException("missing URL (expected: http://host:port/path as the last argument)");
            }
            if (connections < threads) {
                throw new UsageException("-c/--connections: " + connections + " is fewer than the " + threads
                        + " threads (expected: connections >= threads)");
            }
            URI uri;
            try {
                uri = new URI(url);
                Target.of(uri);
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new UsageException("URL: " + url + " (expected: http://host:port/path, rpc://host:port or"
                        + " memcache://host:port/usr|etc)");
            }
            return new LoadArgs(uri, threads, connections, duration, rate, latency || uLatency, uLatency, timeout,
                    List.copyOf(headers), pipeline, warmup,
                    transport == null ? LoadTransport.neutral() : transport, false);
        }

        private LoadArgs help() {
            return new LoadArgs(null, threads, connections, duration, rate, latency, uLatency, timeout,
                    List.copyOf(headers), pipeline, warmup, transport, true);
        }

        private void positional(String arg) {
            if (url != null) {
                throw new UsageException("unexpected argument: " + arg + " (expected: one URL, given: " + url + ")");
            }
            url = arg;
        }

        /** @return whether it was {@code --help} */
        private boolean longOption(String arg) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            String inline = eq < 0 ? null : arg.substring(eq + 1);
            switch (name) {
                case "help" -> {
                    return true;
                }
                case "latency" -> latency = noValue("-L/--latency", inline);
                case "u_latency" -> uLatency = noValue("-U/--u_latency", inline);
                case "script" -> throw unsupportedScript();
                case "batch_latency" -> throw unsupportedBatchLatency();
                default -> {
                    char shortName = switch (name) {
                        case "threads" -> 't';
                        case "connections" -> 'c';
                        case "duration" -> 'd';
                        case "rate" -> 'R';
                        case "timeout" -> 'T';
                        case "header" -> 'H';
                        case "pipeline" -> 'p';
                        case "warmup" -> 'w';
                        case "transport" -> 'x';
                        default -> throw new UsageException("unknown option: --" + name + " (see --help)");
                    };
                    value(shortName, inline != null ? inline : required(arg));
                }
            }
            return false;
        }

        /** @return whether it was {@code -h} or {@code -?} */
        private boolean shortOptions(String arg) {
            for (int i = 1; i < arg.length(); i++) {
                char c = arg.charAt(i);
                switch (c) {
                    case 'h', '?' -> {
                        return true;
                    }
                    case 'L' -> latency = true;
                    case 'U' -> uLatency = true;
                    case 's' -> throw unsupportedScript();
                    case 'B' -> throw unsupportedBatchLatency();
                    case 't', 'c', 'd', 'R', 'H', 'T' -> {
                        String rest = arg.substring(i + 1);
                        value(c, rest.isEmpty() ? required("-" + c) : rest);
                        return false;
                    }
                    default -> throw new UsageException("unknown option: -" + c + " (see --help)");
                }
            }
            return false;
        }

        private String required(String option) {
            if (next >= argv.length) {
                throw new UsageException(option + ": missing value");
            }
            return argv[next++];
        }

        private void value(char option, String v) {
            switch (option) {
                case 't' -> threads = whole("-t/--threads", v, "a number of threads such as 4");
                case 'c' -> connections = whole("-c/--connections", v, "a number of connections such as 100 or 1k");
                case 'd' -> duration = time("-d/--duration", v, false);
                case 'T' -> timeout = time("--timeout", v, false);
                case 'w' -> warmup = time("--warmup", v, true);
                case 'p' -> pipeline = whole("--pipeline", v, "requests in flight per connection such as 1 or 16");
                case 'R' -> {
                    double r = WrkUnits.count(v);
                    if (r < 0 || Double.isInfinite(r)) {
                        throw new UsageException("-R/--rate: " + v + " (expected: requests per second over all"
                                + " connections such as 20000 or 20k; 0 for closed loop)");
                    }
                    rate = r;
                }
                case 'H' -> {
                    if (v.indexOf(':') <= 0) {
                        throw new UsageException("-H/--header: " + v + " (expected: \"Name: value\")");
                    }
                    headers.add(v);
                }
                case 'x' -> {
                    try {
                        transport = LoadTransport.parse(v);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--transport: " + e.getMessage());
                    }
                }
                default -> throw new IllegalStateException("option " + option);
            }
        }

        private static boolean noValue(String option, String inline) {
            if (inline != null) {
                throw new UsageException(option + ": takes no value, got " + inline);
            }
            return true;
        }

        private static int whole(String option, String v, String expected) {
            double n = WrkUnits.count(v);
            if (n < 1 || n != Math.rint(n) || n > Integer.MAX_VALUE) {
                throw new UsageException(option + ": " + v + " (expected: " + expected + ", at least 1)");
            }
            return (int) n;
        }

        private static Duration time(String option, String v, boolean zeroAllowed) {
            Duration d = WrkUnits.time(v);
            if (d == null || (!zeroAllowed && d.isZero())) {
                throw new UsageException(option + ": " + v + " (expected: a time such as 500ms, 30s, 2m or 1h"
                        + (zeroAllowed ? ", or 0" : "") + ")");
            }
            return d;
        }

        private static UsageException unsupportedScript() {
            return new UsageException("-s/--script: Lua scripts are not supported by the built-in generator (use"
                    + " -H for headers, or wrk2 itself for scripts)");
        }

        private static UsageException unsupportedBatchLatency() {
            return new UsageException("-B/--batch_latency: not supported; every response's latency is recorded");
        }
    }
}
