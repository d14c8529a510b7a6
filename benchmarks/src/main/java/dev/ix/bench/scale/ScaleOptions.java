package dev.ix.bench.scale;

import dev.ix.bench.load.Durations;
import dev.ix.bench.peer.PeerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line of {@link ConnectionScale}, parsed and checked. Every option has a default, so the command alone
 * runs 10 000, 50 000 and 100 000 idle connections against the echo server on ix and on epoll.
 *
 * @param connections      idle connections of each step, in order; 0 is a step with none (the latency baseline)
 * @param transports       the echo server's transports, each step runs them in this order
 * @param active           connections that carry the latency load while the idle ones are held
 * @param rate             echo messages per second over all active connections (open loop)
 * @param warmup           load before the measured window, not recorded
 * @param duration         the measured window of the latency load
 * @param inFlight         connections being opened at once (connect plus first echo)
 * @param connectTimeout   how long one connection may take to connect and echo its first byte
 * @param maxFailures      connection failures after which a step stops opening more
 * @param perAddress       connections per client source address; 0 = a quarter of the ephemeral port range
 * @param threads          server event loops
 * @param serverCpus       CPU list the server is pinned to ({@code taskset -c})
 * @param clientCpus       CPU list this JVM (the client) is pinned to
 * @param heap             whether to measure the server's live heap with {@code jcmd GC.class_histogram}
 * @param out              directory the results go to
 * @param commandLine      the arguments as given, for the record
 */
record ScaleOptions(List<Integer> connections, List<String> transports, int active, double rate, Duration warmup,
                    Duration duration, int inFlight, Duration connectTimeout, int maxFailures, int perAddress,
                    int threads, String serverCpus, String clientCpus, boolean heap, Path out,
                    List<String> commandLine) {

    /** The transports {@code dev.ix.samples.EchoServer} can run on. */
    static final List<String> TRANSPORT_NAMES = List.of("ix", "epoll", "io_uring", "nio");

    /** The transport the ratios are taken against, when it runs. */
    static final String BASELINE = "epoll";

    static final String HELP = """
            usage: connection-scale.sh [options]        (or: java ... dev.ix.bench.scale.ConnectionScale)

            Connection scale: opens many mostly idle TCP connections to the samples' EchoServer, one server
            process per step pinned to --server-cpus, and measures the server's memory per connection and the
            latency of a few active connections while the idle ones stay open. Each step runs every transport in
            turn (ix, then epoll, ...), so the ratios come from the same run. The client is this JVM, on Netty's
            epoll transport, pinned to --client-cpus; it spreads its connections over the source addresses
            127.0.0.2, 127.0.0.3, ... (each has its own ephemeral ports). Run it through
            benchmarks/connection-scale.sh, which raises the open-file limit and, as root, the sysctls it needs.

            options:
              --connections N[,N...]   idle connections per step (default 10000,50000,100000); 0 = none, a
                                       latency baseline
              --transports a,b,...     server transports, of ix, epoll, io_uring, nio (default ix,epoll)
              --active N               connections carrying the latency load (default 64)
              --rate N                 echo round-trips per second over all active connections, open loop:
                                       latency counts from each message's intended send time (default 6400)
              --warmup D               latency load before the window, not recorded (default 2s)
              --duration D             measured latency window (default 10s)
              --in-flight N            connections being opened at once (default 256; the server's listen
                                       backlog is 1024)
              --connect-timeout D      per connection, for connect plus the first echo (default 10s)
              --max-failures N         a step stops opening connections after this many failures (default 1000)
              --per-address N          connections per source address (default: a quarter of the ephemeral port
                                       range, net.ipv4.ip_local_port_range: the kernel's port search slows as
                                       the range fills)
              --threads N              server event loops (default 1)
              --server-cpus LIST       taskset CPU list of the server (default 1)
              --client-cpus LIST       taskset CPU list of this client (default 0)
              --no-heap                skip the live-heap measurement (jcmd GC.class_histogram, a full GC)
              --out DIR                results directory (default benchmarks/results/scale-<timestamp>)
              -h, --help               this text

            Memory, per idle connection, each a difference between before and after opening them:
              RSS       the server's resident memory (its heap is pre-touched, so this is native memory:
                        direct buffers, malloc, metaspace)
              heap      the server's live heap after a full GC (jcmd GC.class_histogram): the Java objects
              kernel    slab memory in use, machine-wide (/proc/slabinfo, root only): the sockets of both ends,
                        client and server, so per connection *pair*
            Each idle connection sends one byte and waits for its echo once, then stays silent: it is then
            accepted and registered by the server. Before measuring, every step opens and closes 5000
            connections, so that the server's accept and echo paths are compiled and its pools grown. Results: summary.md, results.csv, one .hgrm per run and the
            server logs (logs/).
            """;

    /** A command line that cannot run; the message names the option and what it expects. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** @return the rate as given, without a fraction when it has none */
    String rateLabel() {
        return rate == Math.rint(rate) ? String.format(Locale.ROOT, "%.0f", rate) : Double.toString(rate);
    }

    /**
     * @param defaultOut where the results go without {@code --out}
     * @return the options, or {@code null} when {@code --help} was asked for
     * @throws UsageException for an unknown option, a missing or bad value
     */
    static ScaleOptions parse(String[] args, Path defaultOut) throws UsageException {
        Cursor c = new Cursor(args);
        List<Integer> connections = List.of(10_000, 50_000, 100_000);
        List<String> transports = List.of("ix", "epoll");
        int active = 64;
        double rate = 6400;
        Duration warmup = Duration.ofSeconds(2);
        Duration duration = Duration.ofSeconds(10);
        int inFlight = 256;
        Duration connectTimeout = Duration.ofSeconds(10);
        int maxFailures = 1000;
        int perAddress = 0;
        int threads = 1;
        String serverCpus = "1";
        String clientCpus = "0";
        boolean heap = true;
        Path out = defaultOut;
        while (c.hasNext()) {
            String option = c.option();
            switch (option) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--connections" -> connections = c.counts();
                case "--transports" -> transports = c.transports();
                case "--active" -> active = c.number(1, 10_000);
                case "--rate" -> rate = c.rate();
                case "--warmup" -> warmup = c.duration(true);
                case "--duration" -> duration = c.duration(false);
                case "--in-flight" -> inFlight = c.number(1, 65_535);
                case "--connect-timeout" -> connectTimeout = c.duration(false);
                case "--max-failures" -> maxFailures = c.number(1, Integer.MAX_VALUE);
                case "--per-address" -> perAddress = c.number(1, 65_535);
                case "--threads" -> threads = c.number(1, 1024);
                case "--server-cpus" -> serverCpus = c.cpus();
                case "--client-cpus" -> clientCpus = c.cpus();
                case "--no-heap" -> heap = false;
                case "--out" -> out = Path.of(c.value());
                default -> throw new UsageException("unknown option: " + option + " (see --help)");
            }
            c.noValueLeft();
        }
        return new ScaleOptions(connections, transports, active, rate, warmup, duration, inFlight, connectTimeout,
                maxFailures, perAddress, threads, serverCpus, clientCpus, heap, out, List.of(args));
    }

    /** Walks the arguments: {@code --name value} and {@code --name=value} alike. */
    private static final class Cursor {
        private final String[] args;
        private int next;
        private String option;
        private String inlineValue;

        Cursor(String[] args) {
            this.args = args;
        }

        boolean hasNext() {
            return next < args.length;
        }

        String option() {
            String arg = args[next++];
            int eq = arg.indexOf('=');
            boolean inline = arg.startsWith("--") && eq > 0;
            option = inline ? arg.substring(0, eq) : arg;
            inlineValue = inline ? arg.substring(eq + 1) : null;
            return option;
        }

        /** A flag without a value must not have been written {@code --flag=value}. */
        void noValueLeft() throws UsageException {
            if (inlineValue != null) {
                throw new UsageException(option + " takes no value (given: " + inlineValue + ")");
            }
        }

        String value() throws UsageException {
            String v = inlineValue;
            inlineValue = null;
            if (v == null) {
                if (next >= args.length || args[next].startsWith("--")) {
                    throw new UsageException(option + " needs a value (see --help)");
                }
                v = args[next++];
            }
            return v.strip();
        }

        int number(int min, int max) throws UsageException {
            String v = value();
            return whole(v, min, max, option + " " + v + ": expected a whole number in " + min + ".." + max);
        }

        List<Integer> counts() throws UsageException {
            String v = value();
            List<Integer> counts = new ArrayList<>();
            for (String part : v.split(",")) {
                int n = whole(part.strip().replace("_", ""), 0, 10_000_000,
                        option + " " + v + ": expected connection counts in 0..10000000, comma-separated");
                if (!counts.contains(n)) {
                    counts.add(n);
                }
            }
            return List.copyOf(counts);
        }

        List<String> transports() throws UsageException {
            String v = value();
            List<String> names = new ArrayList<>();
            for (String part : v.split(",")) {
                String name = part.strip();
                if (!TRANSPORT_NAMES.contains(name)) {
                    throw new UsageException(option + " " + v + ": " + (name.isEmpty() ? "an empty name" : name)
                            + " is not one of " + String.join(", ", TRANSPORT_NAMES));
                }
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
            return List.copyOf(names);
        }

        double rate() throws UsageException {
            String v = value();
            try {
                double r = Double.parseDouble(v);
                if (r >= 1 && r <= 10_000_000) {
                    return r;
                }
            } catch (NumberFormatException ignored) {
                // the message below says what was expected
            }
            throw new UsageException(option + " " + v + ": expected messages per second in 1..10000000");
        }

        Duration duration(boolean zeroAllowed) throws UsageException {
            String v = value();
            Duration d;
            try {
                d = Durations.parse(v);
            } catch (IllegalArgumentException e) {
                throw new UsageException(option + " " + e.getMessage());
            }
            if (d.isZero() && !zeroAllowed) {
                throw new UsageException(option + " " + v + ": must be longer than 0");
            }
            return d;
        }

        String cpus() throws UsageException {
            String v = value();
            if (!PeerConfig.isCpuList(v)) {
                throw new UsageException(option + " " + v + ": expected a taskset CPU list such as 1, 0-1 or 0,2");
            }
            return v;
        }

        private static int whole(String v, int min, int max, String message) throws UsageException {
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // the message says what was expected
            }
            throw new UsageException(message);
        }
    }
}
