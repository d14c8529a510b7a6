package dev.ix.bench;

import dev.ix.bench.load.Durations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The command line of {@code ./ix bench}, parsed and checked. Every option has a default, so {@code ./ix bench}
 * alone runs the plaintext test of every peer available here.
 *
 * @param test           "plaintext" or "json": the TechEmpower test, i.e. the path requested
 * @param peers          peer names in the order they run within a repeat
 * @param baseline       the peer ratios are computed against
 * @param threads        server threads (event loops) of every peer
 * @param connections    keep-alive connections of the load generator
 * @param loadThreads    load generator threads
 * @param pipeline       requests in flight per connection (1 = no pipelining)
 * @param duration       measured window of one run
 * @param warmup         load before each run, not recorded
 * @param repeats        interleaved repeats (A B C A B C …)
 * @param rate           offered load in requests/s (open loop), 0 for closed loop ("max")
 * @param generator      "builtin", "wrk" or "wrk2"
 * @param serverCpus     CPU list the servers are pinned to ({@code taskset -c})
 * @param loadCpus       CPU list the load generator is pinned to
 * @param out            directory the results go to
 * @param commandLine    the arguments as given, for the record
 */
record BenchOptions(String test, List<String> peers, String baseline, int threads, int connections, int loadThreads,
                    int pipeline, Duration duration, Duration warmup, int repeats, double rate, String generator,
                    String serverCpus, String loadCpus, Path out, List<String> commandLine) {

    static final List<String> DEFAULT_PEERS = List.of("ix", "netty-epoll", "netty-io_uring", "netty-nio",
            "reactor-netty", "nginx");

    static final String HELP = """
            usage: ./ix bench [plaintext|json] [options]

            Runs each peer as its own server process pinned to --server-cpus, loads it from this JVM (or wrk/wrk2)
            pinned to --load-cpus, and prints a table of medians over interleaved repeats with each peer's ratio
            to the baseline. Results go to --out: summary.json, summary.md and one .hgrm per peer and rate.

            test:
              plaintext | json         GET /plaintext or GET /json (default plaintext)

            options:
              --peers a,b,...          peers to run, in order (default: all of %s;
                                       unavailable ones are listed with the reason and skipped)
              --baseline NAME          peer the ratios are computed against (default netty-epoll)
              --threads N              server event loops, the same for every peer (default 1)
              --connections N          load generator connections (default 64)
              --load-threads N         load generator threads (default 1)
              --pipeline N             requests in flight per connection, as TechEmpower's plaintext (default 1)
              --duration D             measured window per run, e.g. 10s, 1m (default 10s)
              --warmup D               load before each run, not recorded (default 5s)
              --repeats R              interleaved repeats; medians and min-max spread over them (default 5)
              --rate RPS|max           offered load: requests/s, open loop (latency from each request's intended
                                       send time, coordinated-omission free), or max for closed loop (default max)
              --generator NAME         builtin (default), wrk (closed loop) or wrk2 (open loop, needs --rate)
              --server-cpus LIST       taskset CPU list of the servers (default 1)
              --load-cpus LIST         taskset CPU list of the load generator (default 0)
              --out DIR                results directory (default benchmarks/results/<timestamp>)
              -h, --help               this text

            Measured per run: requests/s, latency percentiles (µs), errors, server system calls per request
            (perf stat -e raw_syscalls:sys_enter; n/a without perf), server CPU µs per request (/proc/PID/stat),
            server bytes allocated per request (the server's own counter; n/a for nginx), server RSS, and the
            generator's own CPU: a run whose generator was >= 90%% busy is marked generator-bound, and a ratio
            against it says little. Install wrk, nginx and perf with benchmarks/install-tools.sh.
            """.formatted(String.join(",", DEFAULT_PEERS));

    /** Thrown for a command line that cannot run; the message says which option and what it expects. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** @return whether the run is open loop (fixed rate) */
    boolean openLoop() {
        return rate > 0;
    }

    /** @return the rate as printed: "max" or requests/s */
    String rateLabel() {
        return openLoop() ? String.format(Locale.ROOT, "%.0f", rate) : "max";
    }

    /** @return null when help was asked for */
    static BenchOptions parse(String[] args, Path defaultOut) throws UsageException {
        String test = "plaintext";
        List<String> peers = DEFAULT_PEERS;
        String baseline = "netty-epoll";
        int threads = 1;
        int connections = 64;
        int loadThreads = 1;
        int pipeline = 1;
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ofSeconds(5);
        int repeats = 5;
        double rate = 0;
        String generator = "builtin";
        String serverCpus = "1";
        String loadCpus = "0";
        Path out = defaultOut;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    return null;
                }
                case "plaintext", "json" -> test = a;
                case "--peers" -> peers = names(value(args, ++i, a));
                case "--baseline" -> baseline = value(args, ++i, a);
                case "--threads" -> threads = positive(args, ++i, a);
                case "--connections" -> connections = positive(args, ++i, a);
                case "--load-threads" -> loadThreads = positive(args, ++i, a);
                case "--pipeline" -> pipeline = positive(args, ++i, a);
                case "--duration" -> duration = duration(args, ++i, a);
                case "--warmup" -> warmup = durationOrZero(args, ++i, a);
                case "--repeats" -> repeats = positive(args, ++i, a);
                case "--rate" -> rate = rate(value(args, ++i, a));
                case "--generator" -> generator = oneOf(value(args, ++i, a), a, "builtin", "wrk", "wrk2");
                case "--server-cpus" -> serverCpus = cpus(value(args, ++i, a), a);
                case "--load-cpus" -> loadCpus = cpus(value(args, ++i, a), a);
                case "--out" -> out = Path.of(value(args, ++i, a));
                default -> throw new UsageException("unknown argument: " + a + " (see ./ix bench --help)");
            }
        }
        if (loadThreads > connections) {
            throw new UsageException("--load-threads " + loadThreads + " exceeds --connections " + connections);
        }
        if (generator.equals("wrk2") && rate == 0) {
            throw new UsageException("--generator wrk2 needs --rate RPS (wrk2 is open loop only)");
        }
        if (generator.equals("wrk") && rate > 0) {
            throw new UsageException("--generator wrk is closed loop: use --rate max, or --generator builtin|wrk2");
        }
        if (!generator.equals("builtin") && pipeline > 1) {
            throw new UsageException("--pipeline needs --generator builtin (wrk pipelines only with a Lua script)");
        }
        if (!peers.contains(baseline)) {
            throw new UsageException("--baseline " + baseline + " is not among --peers " + String.join(",", peers));
        }
        return new BenchOptions(test, peers, baseline, threads, connections, loadThreads, pipeline, duration, warmup,
                repeats, rate, generator, serverCpus, loadCpus, out, List.of(args));
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(option + " needs a value (see ./ix bench --help)");
        }
        return args[i];
    }

    private static List<String> names(String list) throws UsageException {
        List<String> names = new ArrayList<>();
        for (String n : list.split(",")) {
            String name = n.strip();
            if (!name.isEmpty() && !names.contains(name)) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            throw new UsageException("--peers needs at least one name, e.g. --peers ix,netty-epoll");
        }
        return List.copyOf(names);
    }

    private static int positive(String[] args, int i, String option) throws UsageException {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new UsageException(option + " " + v + ": expected a whole number >= 1");
    }

    private static Duration duration(String[] args, int i, String option) throws UsageException {
        Duration d = durationOrZero(args, i, option);
        if (d.isZero()) {
            throw new UsageException(option + " must be longer than 0");
        }
        return d;
    }

    private static Duration durationOrZero(String[] args, int i, String option) throws UsageException {
        String v = value(args, i, option);
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " " + e.getMessage());
        }
    }

    private static double rate(String v) throws UsageException {
        if (v.equals("max")) {
            return 0;
        }
        try {
            double r = Double.parseDouble(v);
            if (r > 0 && Double.isFinite(r)) {
                return r;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new UsageException("--rate " + v + ": expected requests per second (> 0) or max");
    }

    private static String oneOf(String v, String option, String... allowed) throws UsageException {
        if (Arrays.asList(allowed).contains(v)) {
            return v;
        }
        throw new UsageException(option + " " + v + ": expected one of " + String.join(", ", allowed));
    }

    private static String cpus(String v, String option) throws UsageException {
        if (v.matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*")) {
            return v;
        }
        throw new UsageException(option + " " + v + ": expected a taskset CPU list such as 1 or 0-1 or 0,2");
    }
}
