package dev.ix.bench;

import dev.ix.bench.load.Durations;
import dev.ix.bench.load.LoadProtocol;
import dev.ix.bench.load.LoadTransport;
import dev.ix.bench.load.MemcacheWorkload;
import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.PeerConfig;
import dev.ix.bench.peer.Peers;

import java.net.URI;
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
 * @param test           "plaintext" or "json": the TechEmpower test, i.e. the path requested; or "rpc": RPC echo calls
 *                       to the RPC peers ({@link #protocol()})
 * @param peers          peer names in the order they run within a repeat
 * @param baseline       the peer ratios are computed against
 * @param threads        server threads (event loops) of every peer
 * @param connections    keep-alive connections of the load generator; several make a connection sweep
 * @param loadThreads    load generator threads
 * @param pipelines      requests in flight per connection (1 = no pipelining): closed-loop steps run at each depth,
 *                       open-loop steps at the first ({@link #pipelinesAt(double)})
 * @param duration       measured window of one run
 * @param warmup         load before each run, not recorded
 * @param jitSettle      for a peer on a JVM, how much longer the warm-up may go on, in {@link #JIT_SETTLE_STEP}s, until
 *                       its JIT settles ({@link JitSettle}); zero: no settling
 * @param syscallWindow  a second, shorter window of the same load right after the measured one, in which perf counts
 *                       the server's system calls; zero to count none. perf tracing slows every traced system call,
 *                       so the measured window itself is never traced
 * @param repeats        interleaved repeats (A B C A B C …)
 * @param rates          offered loads in requests/s (open loop), 0 for closed loop ("max"); several make a sweep
 * @param relativeRates  offered loads as shares of a peer's saturation ({@code 50%:ix-http}), open loop, run after
 *                       the others at the first pipeline depth; the saturation comes from the closed-loop runs, or
 *                       from a closed-loop run of that peer alone when {@code rates} has no "max"
 * @param sweep          whether to add a rate sweep: after the closed-loop runs, open-loop runs at
 *                       {@link #SWEEP_FRACTIONS} of the highest median requests/s any peer reached
 * @param generator      "builtin", "wrk" or "wrk2"
 * @param generatorTransport the built-in generator's own transport: epoll by default (else NIO), ix only when asked,
 *                       since an ix generator flatters an ix server
 * @param crossCheck     whether every closed-loop run is made twice, with the built-in generator and with wrk, so
 *                       that the two generators' ratios can be set side by side ({@link CrossCheck})
 * @param serverCpus     CPU list the servers are pinned to ({@code taskset -c})
 * @param loadCpus       CPU list the load generator is pinned to
 * @param out            directory the results go to
 * @param commandLine    the arguments as given, for the record
 * @param workloads      the kv test's memcached workloads, run one after the other ({@code usr}, {@code etc}); a
 *                       run's target is the first
 * @param keys           keys each kv workload preloads and requests
 * @param slo            the kv test's latency bound: the highest throughput whose p99 stays within it is reported
 */
record BenchOptions(String test, List<String> peers, String baseline, int threads, List<Integer> connections,
                    int loadThreads, List<Integer> pipelines, Duration duration, Duration warmup,
                    Duration jitSettle, Duration syscallWindow, int repeats, List<Double> rates, List<RelativeRate> relativeRates,
                    boolean sweep, String generator, LoadTransport generatorTransport, boolean crossCheck, String serverCpus, String loadCpus, Path out,
                    List<String> commandLine, List<String> workloads, int keys, Duration slo) {

    /** The load of one step of JIT settling: whole seconds, as wrk runs. */
    static final Duration JIT_SETTLE_STEP = Duration.ofSeconds(1);
    /**
     * A step in which the server's compiler threads worked less than this has a settled JIT: 1 % of the step, a few
     * small methods (each step's new connections alone cost kv's JVM 4-6 ms of recompilation), against the hundreds of
     * milliseconds per second a fresh JVM compiles.
     */
    static final Duration JIT_QUIET = Duration.ofMillis(10);
    static final Duration DEFAULT_JIT_SETTLE = Duration.ofSeconds(20);

    /** Offered loads of a rate sweep, as fractions of the saturation throughput measured first. */
    static final List<Double> SWEEP_FRACTIONS = List.of(0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.1);

    /**
     * The kv test's sweep: finer near saturation, where the p99 bound is crossed, and past it, so that the curve shows
     * the knee.
     */
    static final List<Double> KV_SWEEP_FRACTIONS = List.of(0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.9, 1.0, 1.1);

    /**
     * The kv test's cost step: the sweep step at this fraction of saturation is the fixed rate at which every server
     * does the same work, and the only one whose system calls are counted.
     */
    static final double KV_COST_FRACTION = 0.55;

    /** The kv test's peers and baseline when none are given. */
    static final List<String> DEFAULT_KV_PEERS = List.of("kv", "memcached");
    static final String DEFAULT_KV_BASELINE = "memcached";
    static final List<String> KV_WORKLOADS = List.of("usr", "etc");
    /** The IX paper's service level: p99 at most 500 µs. */
    static final Duration DEFAULT_SLO = Duration.ofNanos(500_000);

    static final List<String> DEFAULT_PEERS = List.of("ix", "netty-epoll", "netty-io_uring", "netty-nio",
            "reactor-netty", "reactor-netty-ix", "nginx");

    /** The peers and baseline of the rpc test when none are given. */
    static final List<String> DEFAULT_RPC_PEERS = List.of("ix-rpc", "netty-rpc-epoll");
    static final String DEFAULT_RPC_BASELINE = "netty-rpc-epoll";

    static final String HELP = """
            usage: ./ix bench [plaintext|json|rpc|kv] [options]

            Runs each peer as its own server process pinned to --server-cpus, loads it from this JVM (or wrk/wrk2)
            pinned to --load-cpus, and prints a headline, a table of medians over repeats (the peer order rotated
            each repeat) with each peer's ratio to the baseline and its spread, and with --cross-check wrk's ratios
            beside the built-in generator's. Results go to --out: summary.json, summary.md and one .hgrm per peer
            and step.

            test (or --test NAME):
              plaintext | json         GET /plaintext or GET /json (default plaintext)
              rpc                      ix RPC echo calls (frames u32 length | u64 id | u8 kind | payload; a
                                       13-byte payload), pipelined and open loop as HTTP, to the RPC peers
                                       (default %s, baseline %s). RPC peers only;
                                       wrk is not applicable (--cross-check says so and runs the built-in
                                       generator alone); a peer is ready once one call is echoed, and its
                                       allocated bytes are a call too (payload /stats/allocated-bytes)
              kv                       the IX paper's experiment: memcached text-protocol GETs and SETs of the
                                       USR and ETC workloads (Atikoglu et al.) to kv and memcached (default
                                       peers %s, baseline %s), keys preloaded into each fresh server
                                       and checked; per workload a closed-loop run finds saturation, then an
                                       open-loop sweep at 10..110%% of it; reports each server's highest
                                       throughput with p99 <= --slo, p99 against throughput (PNG), CPU and
                                       system calls per request at the %.0f%% step, memcaslap's figure where
                                       installed, and the sweep again from mcload, an open-loop generator in C
                                       built here with cc (no JVM), as an independent opinion on latency.
                                       Defaults: --connections 32 --pipeline 4 --repeats 2 --duration 2s
                                       --syscall-window 2s, --warmup 5s when a peer runs on a JVM (a fresh kv
                                       per run: its JIT compiles the request path in the first seconds), else
                                       1s (about half an hour for kv,memcached)
              --workloads usr,etc      kv: the workloads to run (default both)
              --keys N                 kv: keys per workload, all preloaded (default %d)
              --slo D                  kv: the p99 bound, e.g. 500us, 1ms (default 500us)

            options:
              --peers a,b,...          peers to run, in order (default: all of %s;
                                       rpc: the RPC peers; unavailable ones are listed with the reason and skipped)
              --baseline NAME          peer the ratios are computed against (default netty-epoll; rpc:
                                       netty-rpc-epoll)
              --threads N              server event loops, the same for every peer (default 1)
              --connections N[,N...]   load generator connections (default 64); a list makes a connection sweep,
                                       e.g. 16,64,256,1024,4096
              --load-threads N         load generator threads (default 1)
              --pipeline N[,N...]      requests in flight per connection (default 16,1). Closed-loop steps run at
                                       each depth: 16 (TechEmpower's) is the throughput figure, since a generator
                                       that waits for each response saturates before a good server does on a small
                                       machine; 1 is labelled generator-bound where it was. Open-loop (--rate) steps
                                       run at the first depth only
              --duration D             measured window per run, e.g. 10s, 1m (default 10s)
              --warmup D               load before each run, not recorded (default 5s)
              --jit-settle D           for a server on a JVM, the warm-up then goes on in 1 s steps until three in
                                       a row in which its JIT compiled for under 10 ms, for at most D more (default 20s;
                                       0: no settling). A fresh JVM compiles for seconds at a light load, on the
                                       server's own CPU; the JIT ms of each measured window is in summary.json and,
                                       where it stays high, in the table's notes
              --syscall-window D       after the measured window, this much more of the same load, with perf
                                       counting the server's system calls (default 2s; 0: no count). The measured
                                       window is never traced: tracing taxes each system call
              --repeats R              repeats, the peer order rotated each time; medians, merged latency
                                       histograms and min-max spreads over them (default 5)
              --rate RPS|max|P%%:PEER[,...]
                                       offered load: requests/s, open loop (latency from each request's intended
                                       send time, coordinated-omission free), or max for closed loop (default max);
                                       a list runs each rate. P%%:PEER (e.g. 50%%:ix-http) is open loop at P %% of
                                       PEER's median closed-loop requests/s at the first --pipeline depth, measured
                                       first in the same invocation: by the max runs if --rate has max, else by a
                                       closed-loop run of PEER alone. With --duration 60s, the run issue 12 quotes
                                       GC counts from: --rate 50%%:ix-http --pipeline 16 --duration 60s
              --sweep                  latency against offered load: after the --rate runs, open-loop runs at
                                       10, 25, 50, 75, 90, 100 and 110%% of the highest requests/s measured, and
                                       plots of p99 against throughput (latency-throughput*.png)
              --generator NAME         builtin (default), wrk (closed loop) or wrk2 (open loop, needs --rate)
              --generator-transport T  the built-in generator's transport: epoll (default; nio where epoll cannot
                                       run) or ix. An ix generator loading an ix server falls into lock-step
                                       batches with it and flatters it: every table names the generator
              --cross-check            make every closed-loop run with the built-in generator and again with wrk
                                       (needs wrk; whole seconds): prints both generators' ratios side by side and
                                       whether they agree within their spread
              --server-cpus LIST       taskset CPU list of the servers (default 1)
              --load-cpus LIST         taskset CPU list of the load generator (default 0)
              --out DIR                results directory (default benchmarks/results/<timestamp>)
              -h, --help               this text

            Measured per run: requests/s, latency percentiles (µs; open loop: from intended send times, timeouts
            and requests unsent at the window's end included), the generator's send lag, errors, server CPU µs per
            request (/proc/PID/stat), server system calls per request (perf stat -e raw_syscalls:sys_enter, in the
            separate --syscall-window; n/a without perf), server bytes allocated per request (the server's own
            counter; n/a for nginx), the server JVM's young and old collections and their time in the window (its
            hsperfdata counters, as jstat -gc reads them; n/a for nginx), server RSS, whether the pinning took
            effect, and the generator's own CPU: a run whose generator kept each CPU it owns >= 90%% busy (process
            CPU over the window / its CPUs) is marked generator-bound, and a ratio against it says little; a
            closed-loop run in which neither the server nor the generator reached 90%% is marked "neither bound".
            Install wrk, nginx and perf with benchmarks/install-tools.sh.
            """.formatted(String.join(",", DEFAULT_RPC_PEERS), DEFAULT_RPC_BASELINE, String.join(",", DEFAULT_KV_PEERS),
            DEFAULT_KV_BASELINE, KV_COST_FRACTION * 100, MemcacheWorkload.DEFAULT_KEYS,
            String.join(",", DEFAULT_PEERS));

    /** Thrown for a command line that cannot run; the message says which option and what it expects. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** @return what the test speaks: RPC for {@code rpc}, memcached for {@code kv}, else HTTP */
    LoadProtocol protocol() {
        return switch (test) {
            case "rpc" -> LoadProtocol.RPC;
            case "kv" -> LoadProtocol.MEMCACHE;
            default -> LoadProtocol.HTTP;
        };
    }

    /** @return whether this is the kv test */
    boolean kv() {
        return test.equals("kv");
    }

    /** @return the workload a kv run loads: the first of {@link #workloads()} */
    MemcacheWorkload workload() {
        return MemcacheWorkload.of(workloads.getFirst(), keys);
    }

    /** @return the same options for one workload, its results under {@code out} */
    BenchOptions forWorkload(String workload, Path out) {
        return new BenchOptions(test, peers, baseline, threads, connections, loadThreads, pipelines, duration, warmup,
                jitSettle, syscallWindow, repeats, rates, relativeRates, sweep, generator, generatorTransport, crossCheck,
                serverCpus, loadCpus, out, commandLine, List.of(workload), keys, slo);
    }

    /** @return the sweep's offered loads as fractions of saturation */
    List<Double> sweepFractions() {
        return kv() ? KV_SWEEP_FRACTIONS : SWEEP_FRACTIONS;
    }

    /**
     * @param fraction a sweep step's fraction of saturation, NaN for a step given by --rate
     * @return whether that step's runs count system calls: every step's, but in the kv test only the cost step's
     */
    boolean countsSyscallsAt(double fraction) {
        return !kv() || fraction == KV_COST_FRACTION;
    }

    /** @return whether wrk can make this test's load (it speaks HTTP only) */
    boolean wrkApplies() {
        return protocol() == LoadProtocol.HTTP;
    }

    /**
     * @return what the generator loads for this test: {@code http://host:port/<test>}, {@code rpc://host:port} or
     *         {@code memcache://host:port/<workload>?keys=N}
     */
    URI target(String host, int port) {
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return URI.create(switch (protocol()) {
            case RPC -> "rpc://" + authority;
            case MEMCACHE -> "memcache://" + authority + workload().uriSuffix();
            case HTTP -> "http://" + authority + "/" + test;
        });
    }

    /** @return whether any run is open loop (fixed rate) */
    boolean openLoop() {
        return sweep || !relativeRates.isEmpty() || rates.stream().anyMatch(r -> r > 0);
    }

    /** @return the rates as printed: "max" or requests/s, comma-separated, "+ sweep" when sweeping */
    String rateLabel() {
        List<String> labels = new ArrayList<>();
        for (double r : rates) {
            labels.add(rateLabel(r));
        }
        for (RelativeRate r : relativeRates) {
            labels.add(r.label());
        }
        return String.join(",", labels) + (sweep ? " + sweep" : "");
    }

    static String rateLabel(double rate) {
        return rate > 0 ? String.format(Locale.ROOT, "%.0f", rate) : "max";
    }

    /** @return null when help was asked for */
    static BenchOptions parse(String[] args, Path defaultOut) throws UsageException {
        String test = "plaintext";
        List<String> peers = null;
        String baseline = null;
        int threads = 1;
        List<Integer> connections = null;
        int loadThreads = 1;
        List<Integer> pipelines = null;
        Duration duration = null;
        Duration warmup = null;
        Duration jitSettle = DEFAULT_JIT_SETTLE;
        Duration syscallWindow = Duration.ofSeconds(2);
        Integer repeats = null;
        List<String> workloads = KV_WORKLOADS;
        int keys = MemcacheWorkload.DEFAULT_KEYS;
        Duration slo = DEFAULT_SLO;
        List<Double> rates = List.of(0.0);
        List<RelativeRate> relativeRates = List.of();
        boolean sweep = false;
        String generator = "builtin";
        LoadTransport generatorTransport = LoadTransport.neutral();
        boolean crossCheck = false;
        String serverCpus = "1";
        String loadCpus = "0";
        Path out = defaultOut;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    return null;
                }
                case "plaintext", "json", "rpc", "kv" -> test = a;
                case "--test" -> test = oneOf(value(args, ++i, a), a, "plaintext", "json", "rpc", "kv");
                case "--workloads" -> workloads = workloads(value(args, ++i, a), a);
                case "--keys" -> keys = positive(args, ++i, a);
                case "--slo" -> slo = duration(args, ++i, a);
                case "--peers" -> peers = names(value(args, ++i, a));
                case "--baseline" -> baseline = value(args, ++i, a);
                case "--threads" -> threads = positive(args, ++i, a);
                case "--connections" -> connections = positives(value(args, ++i, a), a);
                case "--load-threads" -> loadThreads = positive(args, ++i, a);
                case "--pipeline" -> pipelines = positives(value(args, ++i, a), a);
                case "--duration" -> duration = duration(args, ++i, a);
                case "--warmup" -> warmup = durationOrZero(args, ++i, a);
                case "--jit-settle" -> jitSettle = durationOrZero(args, ++i, a);
                case "--syscall-window" -> syscallWindow = durationOrZero(args, ++i, a);
                case "--repeats" -> repeats = positive(args, ++i, a);
                case "--rate" -> {
                    String list = value(args, ++i, a);
                    rates = rates(list);
                    relativeRates = relativeRates(list);
                }
                case "--sweep" -> sweep = true;
                case "--generator" -> generator = oneOf(value(args, ++i, a), a, "builtin", "wrk", "wrk2");
                case "--cross-check" -> crossCheck = true;
                case "--generator-transport" -> generatorTransport = transport(value(args, ++i, a), a);
                case "--server-cpus" -> serverCpus = cpus(value(args, ++i, a), a);
                case "--load-cpus" -> loadCpus = cpus(value(args, ++i, a), a);
                case "--out" -> out = Path.of(value(args, ++i, a));
                default -> throw new UsageException("unknown argument: " + a + " (see ./ix bench --help)");
            }
        }
        boolean rpc = test.equals("rpc");
        boolean kv = test.equals("kv");
        if (peers == null) {
            peers = rpc ? DEFAULT_RPC_PEERS : kv ? DEFAULT_KV_PEERS : DEFAULT_PEERS;
        }
        if (baseline == null) {
            baseline = rpc ? DEFAULT_RPC_BASELINE : kv ? DEFAULT_KV_BASELINE : "netty-epoll";
        }
        // The kv experiment is a sweep of short runs by default (about half an hour with mcload); the others, long runs.
        connections = connections != null ? connections : List.of(kv ? 32 : 64);
        pipelines = pipelines != null ? pipelines : kv ? List.of(4) : List.of(16, 1);
        duration = duration != null ? duration : Duration.ofSeconds(kv ? 2 : 10);
        warmup = warmup != null ? warmup : defaultWarmup(kv, peers);
        repeats = repeats != null ? repeats : kv ? 2 : 5;
        sweep |= kv;
        if ((rpc || kv) && !generator.equals("builtin")) {
            throw new UsageException("--generator " + generator + ": wrk: not applicable to " + test + " (wrk and wrk2"
                    + " speak HTTP only): drop --generator");
        }
        // wrk does not speak RPC or memcached: such a --cross-check is made with the built-in generator alone (Bench
        // says so).
        boolean crossChecked = crossCheck && !rpc && !kv;
        int fewest = connections.stream().mapToInt(Integer::intValue).min().orElseThrow();
        if (loadThreads > fewest) {
            throw new UsageException("--load-threads " + loadThreads + " exceeds --connections " + fewest);
        }
        for (RelativeRate r : relativeRates) {
            if (!peers.contains(r.peer())) {
                throw new UsageException("--rate " + r.label() + ": " + r.peer() + " is not among --peers "
                        + String.join(",", peers) + " (its saturation is measured in the same run)");
            }
        }
        if (!generator.equals("builtin") && !relativeRates.isEmpty()) {
            throw new UsageException("--rate " + relativeRates.getFirst().label() + " measures " + relativeRates
                    .getFirst().peer() + "'s saturation closed loop, then loads open loop: it needs --generator"
                    + " builtin");
        }
        if (generator.equals("wrk2") && rates.contains(0.0)) {
            throw new UsageException("--generator wrk2 needs --rate RPS (wrk2 is open loop only; --sweep starts"
                    + " with a closed-loop run, so it needs --generator builtin)");
        }
        if (generator.equals("wrk") && (sweep || rates.stream().anyMatch(r -> r > 0))) {
            throw new UsageException("--generator wrk is closed loop: use --rate max without --sweep, or "
                    + "--generator builtin|wrk2");
        }
        if (sweep && !rates.contains(0.0)) {
            throw new UsageException("--sweep measures saturation first: include max in --rate (the default)");
        }
        if (generator.equals("wrk2") && pipelines.stream().anyMatch(p -> p > 1)) {
            throw new UsageException("--pipeline needs --generator builtin or wrk (wrk2's rate is per request)");
        }
        if (crossChecked && !generator.equals("builtin")) {
            throw new UsageException("--cross-check sets the built-in generator beside wrk: drop --generator");
        }
        if (crossChecked && !rates.contains(0.0)) {
            throw new UsageException("--cross-check compares closed-loop runs (wrk is closed loop): include max in"
                    + " --rate");
        }
        if (!peers.contains(baseline)) {
            throw new UsageException("--baseline " + baseline + " is not among --peers " + String.join(",", peers));
        }
        boolean wrk = !generator.equals("builtin") || crossChecked;
        if (wrk && (syscallWindow.toMillis() % 1000 != 0 || duration.toMillis() % 1000 != 0
                || warmup.toMillis() % 1000 != 0)) {
            throw new UsageException("wrk runs whole seconds: give --duration, --warmup and --syscall-window in whole"
                    + " seconds");
        }
        return new BenchOptions(test, peers, baseline, threads, connections, loadThreads, pipelines, duration, warmup,
                jitSettle, syscallWindow, repeats, rates, relativeRates, sweep, generator, generatorTransport, crossCheck, serverCpus,
                loadCpus, out, List.of(args), workloads, keys, slo);
    }

    /**
     * The warm-up when none is given: 5 s, as every HTTP and RPC peer runs on a JVM whose JIT compiles the request
     * path in the first seconds; kv's 1 s when no peer of a kv run does (memcached needs none).
     */
    static Duration defaultWarmup(boolean kv, List<String> peers) {
        boolean jvm = peers.stream().anyMatch(name -> Peers.byName(name).map(Peer::runsOnJvm).orElse(true));
        return Duration.ofSeconds(kv && !jvm ? 1 : 5);
    }

    private static List<String> workloads(String list, String option) throws UsageException {
        List<String> values = new ArrayList<>();
        for (String v : list.split(",")) {
            String w = oneOf(v.strip().toLowerCase(Locale.ROOT), option, KV_WORKLOADS.toArray(String[]::new));
            if (!values.contains(w)) {
                values.add(w);
            }
        }
        return List.copyOf(values);
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

    private static List<Integer> positives(String list, String option) throws UsageException {
        List<Integer> values = new ArrayList<>();
        for (String v : list.split(",")) {
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= 1) {
                    if (!values.contains(n)) {
                        values.add(n);
                    }
                    continue;
                }
            } catch (NumberFormatException ignored) {
                // falls through to the message below
            }
            throw new UsageException(option + " " + v + ": expected whole numbers >= 1, comma-separated");
        }
        return List.copyOf(values);
    }

    private static List<Double> rates(String list) throws UsageException {
        List<Double> values = new ArrayList<>();
        for (String v : list.split(",")) {
            if (RelativeRate.isRelative(v)) {
                continue;
            }
            double r = rate(v.strip());
            if (!values.contains(r)) {
                values.add(r);
            }
        }
        return List.copyOf(values);
    }

    private static List<RelativeRate> relativeRates(String list) throws UsageException {
        List<RelativeRate> values = new ArrayList<>();
        for (String v : list.split(",")) {
            if (RelativeRate.isRelative(v)) {
                try {
                    RelativeRate r = RelativeRate.parse(v.strip());
                    if (!values.contains(r)) {
                        values.add(r);
                    }
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--rate " + e.getMessage());
                }
            }
        }
        return List.copyOf(values);
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

    private static LoadTransport transport(String v, String option) throws UsageException {
        try {
            return LoadTransport.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " " + e.getMessage());
        }
    }

    /**
     * @param rate an offered rate, 0 for closed loop
     * @return the pipeline depths of the steps at that rate: every one in closed loop, the first in open loop (where
     *         the depth only caps what a connection has in flight, not the load)
     */
    List<Integer> pipelinesAt(double rate) {
        return rate == 0 ? pipelines : List.of(pipelines.getFirst());
    }

    /**
     * @param rate an offered rate, 0 for closed loop
     * @return the generators each run at that rate is made with, in order: {@link #generator()}, and wrk beside the
     *         built-in one on closed-loop runs of a {@link #crossCheck()} where {@linkplain #wrkApplies() wrk applies}
     */
    List<String> generatorsAt(double rate) {
        return crossCheck && wrkApplies() && rate == 0 ? List.of(generator, "wrk") : List.of(generator);
    }

    /**
     * @return how the load is made, as every table names it: {@code builtin/epoll}, {@code builtin/ix},
     *         {@code wrk}, {@code wrk2}
     */
    String generatorLabel() {
        return generator.equals("builtin") ? "builtin/" + generatorTransport.label() : generator;
    }

    private static String oneOf(String v, String option, String... allowed) throws UsageException {
        if (Arrays.asList(allowed).contains(v)) {
            return v;
        }
        throw new UsageException(option + " " + v + ": expected one of " + String.join(", ", allowed));
    }

    private static String cpus(String v, String option) throws UsageException {
        if (PeerConfig.isCpuList(v)) {
            return v;
        }
        throw new UsageException(option + " " + v + ": expected a taskset CPU list such as 1 or 0-1 or 0,2");
    }
}
