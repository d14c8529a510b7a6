package dev.ix.bench;

import dev.ix.bench.load.LoadGenerator;
import dev.ix.bench.load.LoadProtocol;
import dev.ix.bench.load.LoadResult;
import dev.ix.bench.load.LoadSpec;
import dev.ix.bench.load.MemcachePreload;
import dev.ix.bench.measure.GcCounts;
import dev.ix.bench.measure.JitCounts;
import dev.ix.bench.measure.ProcStat;
import dev.ix.bench.measure.SyscallCounter;
import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.PeerConfig;
import dev.ix.bench.peer.PeerProcess;
import dev.ix.bench.wrk.WrkRunner;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Runs the plan step by step (a step is one offered rate at one connection count): within a step, for each repeat,
 * each peer in turn, the order rotated each repeat (A B C, B C A, C A B …) as a fresh server process pinned to the
 * server CPUs; a warm-up load that is not recorded (for a JVM, until its JIT has settled: {@link #settleJit}), then the
 * measured window, with the server's CPU time, allocated bytes, garbage collections and JIT compilation counted over
 * exactly that window, then (with perf) a shorter window of the same load in which the server's system calls
 * are counted: nothing traces the measured window. A sweep's open-loop steps, and those of a {@link RelativeRate}, are
 * planned from the closed-loop steps' results; a sweep runs on one server per peer and repeat ({@link #runSweep}).
 */
final class BenchRunner {
    /** Where every server of the harness listens, and its generators connect. */
    static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PRELOAD_TIMEOUT = Duration.ofSeconds(10);
    /** Load on the measured window's connections before it opens; see {@link #measure}. */
    static final Duration LEAD_IN = Duration.ofSeconds(1);
    /** Planned seconds for starting and stopping a server, for the progress bar only. */
    private static final double START_STOP_SECONDS = 2;
    /** Planned seconds for storing a kv workload's keys in a fresh server, for the progress bar only. */
    private static final double PRELOAD_SECONDS = 1;

    private final BenchOptions options;
    private final List<Peer> peers;
    private final Progress progress;
    private final Path logs;
    private final boolean countSyscalls;
    private final List<RelativeStep> relativeSteps = new ArrayList<>();
    private double plannedDone;

    BenchRunner(BenchOptions options, List<Peer> peers, Progress progress, Path logs) {
        this.options = options;
        this.peers = peers;
        this.progress = progress;
        this.logs = logs;
        this.countSyscalls = SyscallCounter.unavailable().isEmpty();
    }

    /**
     * One offered rate (0 = closed loop) at one connection count and pipeline depth.
     *
     * @param countSyscalls whether its runs have a system-call window ({@link BenchOptions#countsSyscallsAt})
     */
    record Step(double rate, int connections, int pipeline, boolean countSyscalls) {
        String label() {
            return BenchOptions.rateLabel(rate) + " req/s, " + connections + " conns, pipeline " + pipeline;
        }
    }

    /**
     * A {@link RelativeRate} made absolute: the open-loop rate that ran, and the saturation it is a share of.
     *
     * @param saturation the named peer's median closed-loop requests/s at these connections and pipeline depth
     * @param offered    the offered requests/s of the open-loop step, {@code rate.of(saturation)}
     */
    record RelativeStep(RelativeRate rate, int connections, int pipeline, double saturation, double offered) {
        String describe() {
            return String.format(Locale.ROOT, "%s at %d conns, pipeline %d: %.0f req/s (%s's median closed-loop"
                    + " req/s: %.0f)", rate.label(), connections, pipeline, offered, rate.peer(), saturation);
        }
    }

    /** @return the planned run time in seconds, for the progress bar */
    static double plannedSeconds(BenchOptions o, int peers) {
        double perConnections = 0;
        if (o.sweep()) {
            // At most every peer's fractions (sweepSteps merges those close to one another); which of them are traced
            // as sweepSteps decides: the highest saturation's as their fraction says, the others' as any rate's.
            int steps = peers * o.sweepFractions().size();
            int traced = (int) o.sweepFractions().stream().filter(o::countsSyscallsAt).count()
                    + (o.countsSyscallsAt(Double.NaN) ? steps - o.sweepFractions().size() : 0);
            perConnections += sweepSeconds(o, steps, traced);
        }
        double fixedRate = runSeconds(o, o.countsSyscallsAt(Double.NaN));
        for (double rate : o.rates()) {
            perConnections += o.generatorsAt(rate).size() * o.pipelinesAt(rate).size() * fixedRate;
        }
        perConnections += o.relativeRates().size() * fixedRate;
        double saturationRuns = saturationPeers(o).size() * o.generatorsAt(0).size() * fixedRate;
        return (perConnections * peers + saturationRuns) * o.repeats() * o.connections().size();
    }

    /**
     * @return the peers whose saturation is measured by a closed-loop run of their own, for the relative rates: all
     *         those the relative rates name when there is no closed-loop step of every peer ("max" in --rate), else
     *         none
     */
    static List<String> saturationPeers(BenchOptions o) {
        return o.rates().contains(0.0) ? List.of()
                : o.relativeRates().stream().map(RelativeRate::peer).distinct().toList();
    }

    /** @return the relative rates as they ran, in order, once {@link #run()} returned */
    List<RelativeStep> relativeSteps() {
        return List.copyOf(relativeSteps);
    }

    /**
     * @param steps  the sweep's steps
     * @param traced how many of them have a system-call window
     * @return the planned seconds of one peer's sweep on one server ({@link #sweepOnce}), its JIT settling apart
     */
    private static double sweepSeconds(BenchOptions o, int steps, int traced) {
        return START_STOP_SECONDS + (o.protocol() == LoadProtocol.MEMCACHE ? PRELOAD_SECONDS : 0)
                + SweepWarmUp.plannedSeconds(o, steps) + steps * (seconds(LEAD_IN) + seconds(o.duration()))
                + traced * seconds(o.syscallWindow());
    }

    private static double runSeconds(BenchOptions o, boolean countSyscalls) {
        return START_STOP_SECONDS + (o.protocol() == LoadProtocol.MEMCACHE ? PRELOAD_SECONDS : 0)
                + seconds(o.warmup()) + seconds(LEAD_IN) + seconds(o.duration())
                + (countSyscalls ? seconds(o.syscallWindow()) : 0);
    }

    List<RunResult> run() throws Exception {
        Files.createDirectories(logs);
        List<RunResult> results = new ArrayList<>();
        for (int connections : options.connections()) {
            for (double rate : options.rates()) {
                for (int pipeline : options.pipelinesAt(rate)) {
                    results.addAll(runStep(new Step(rate, connections, pipeline,
                            options.countsSyscallsAt(Double.NaN))));
                }
            }
        }
        if (options.sweep()) {
            for (int connections : options.connections()) {
                int pipeline = options.pipelinesAt(1).getFirst();
                List<Step> steps = sweepSteps(options, Summary.of(results, options.baseline())
                        .saturations(connections, pipeline), connections, pipeline);
                if (steps.isEmpty()) {
                    progress.step("no closed-loop throughput at " + connections + " connections: no sweep there");
                    continue;
                }
                results.addAll(runSweep(steps));
            }
        }
        if (!options.relativeRates().isEmpty()) {
            for (int connections : options.connections()) {
                results.addAll(runRelative(results, connections));
            }
        }
        return results;
    }

    /** A sweep rate closer than this share to one already planned is not added. */
    static final double SWEEP_MERGE = 0.05;

    /**
     * The open-loop steps of a sweep: {@link BenchOptions#sweepFractions()} of the highest saturation (the cost step's
     * among them), and of every lower one, each peer's, where they are more than {@link #SWEEP_MERGE} from a rate
     * already planned; so the peer that saturates first is located as finely as the one that saturates last. kv's
     * sweep from kv's saturation alone had 47 000 and then 118 000 requests/s: memcached's bound was somewhere
     * between.
     *
     * @param saturations the closed-loop requests/s of each peer (and generator) at these connections and depth
     * @return the steps, by rate from the lowest; none without a positive saturation
     */
    static List<Step> sweepSteps(BenchOptions o, List<Double> saturations, int connections, int pipeline) {
        List<Double> descending = saturations.stream().filter(v -> v > 0).sorted(Comparator.reverseOrder())
                .toList();
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < descending.size(); i++) {
            double saturation = descending.get(i);
            boolean highest = i == 0;
            for (double fraction : o.sweepFractions()) {
                double rate = Math.round(fraction * saturation);
                if (highest || steps.stream().noneMatch(s -> Math.abs(s.rate() - rate) <= SWEEP_MERGE * rate)) {
                    steps.add(new Step(rate, connections, pipeline,
                            o.countsSyscallsAt(highest ? fraction : Double.NaN)));
                }
            }
        }
        steps.sort(Comparator.comparingDouble(Step::rate));
        return List.copyOf(steps);
    }

    /**
     * The relative rates' steps at one connection count: the saturation of each named peer (its closed-loop runs,
     * made here if {@code done} has none), then every peer open loop at the share of it.
     */
    private List<RunResult> runRelative(List<RunResult> done, int connections) throws Exception {
        int pipeline = options.pipelinesAt(1).getFirst();
        List<RunResult> all = new ArrayList<>(done);
        List<RunResult> results = new ArrayList<>();
        for (String name : saturationPeers(options)) {
            List<Peer> alone = peers.stream().filter(p -> p.name().equals(name)).toList();
            List<RunResult> saturation = runStep(new Step(0, connections, pipeline,
                    options.countsSyscallsAt(Double.NaN)), alone);
            all.addAll(saturation);
            results.addAll(saturation);
        }
        Summary summary = Summary.of(all, options.baseline());
        for (RelativeRate relative : options.relativeRates()) {
            double saturation = summary.saturation(relative.peer(), options.generatorLabel(), connections, pipeline);
            if (Double.isNaN(saturation) || saturation <= 0) {
                progress.step("no closed-loop throughput of " + relative.peer() + " at " + connections
                        + " connections: no " + relative.label() + " step there");
                continue;
            }
            RelativeStep step = new RelativeStep(relative, connections, pipeline, saturation,
                    relative.of(saturation));
            relativeSteps.add(step);
            progress.step(step.describe());
            results.addAll(runStep(new Step(step.offered(), connections, pipeline,
                    options.countsSyscallsAt(Double.NaN))));
        }
        return results;
    }

    private List<RunResult> runStep(Step step) throws Exception {
        return runStep(step, peers);
    }

    private List<RunResult> runStep(Step step, List<Peer> stepPeers) throws Exception {
        List<RunResult> results = new ArrayList<>();
        for (int repeat = 1; repeat <= options.repeats(); repeat++) {
            for (Peer peer : rotated(stepPeers, repeat)) {
                for (String generator : options.generatorsAt(step.rate())) {
                    results.add(runOnce(peer, repeat, step, generator));
                }
            }
        }
        return results;
    }

    /**
     * The order of repeat {@code repeat} (1-based): the list rotated left by {@code repeat - 1}, so that every peer
     * runs first (on a machine just idle) and right after every other as often as the repeats allow, instead of one
     * peer always following the same one.
     */
    static <T> List<T> rotated(List<T> items, int repeat) {
        List<T> order = new ArrayList<>(items);
        if (!order.isEmpty()) {
            Collections.rotate(order, -((repeat - 1) % order.size()));
        }
        return order;
    }

    private String describe(Step step, int repeat, Peer peer, String generator) {
        return step.label() + "  repeat " + repeat + "/" + options.repeats() + "  " + peer.name() + "  (" + generator
                + ")";
    }

    /** One run: a fresh server, the warm-up, the measured window and the system-call window, all with one generator. */
    private RunResult runOnce(Peer peer, int repeat, Step step, String generator) throws Exception {
        String what = describe(step, repeat, peer, label(generator));
        progress.step(what + preloading());
        double runStart = plannedDone;
        try (PeerProcess server = startServer(peer, options, logs)) {
            URI uri = options.target(HOST, server.port());
            plannedDone = runStart + START_STOP_SECONDS / 2;
            progress.at(plannedDone);
            if (!options.warmup().isZero()) {
                progress.step(what + "  warm-up");
                load(generator, uri, step, options.warmup(), plannedDone);
            }
            plannedDone = runStart + START_STOP_SECONDS / 2 + seconds(options.warmup());
            if (peer.runsOnJvm() && !options.jitSettle().isZero()) {
                settleJit(server, peer, generator, uri, step, what);
            }
            return measured(server, peer, repeat, step, generator);
        } finally {
            plannedDone = runStart + runSeconds(options, step.countSyscalls());
            progress.at(plannedDone);
        }
    }

    /**
     * A sweep's open-loop steps: per repeat, each peer in the rotated order gets one fresh server, warmed up at every
     * rate ({@link SweepWarmUp}), then measured at every step from the lowest rate up, each window after a
     * {@link #LEAD_IN} on its connections, on that same server. A fresh JVM per rate measured a JVM that had just
     * compiled: kv at 40 000 GETs/s on a fresh server had 1-2 % of its requests over 500 µs where the same kv, having
     * served for a minute, had 0.6 %, as memcached.
     *
     * @param steps the sweep's steps, by rate from the lowest
     * @return the runs, step by step as {@link #runStep} orders them (repeats and peers in run order within a step)
     */
    private List<RunResult> runSweep(List<Step> steps) throws Exception {
        List<RunResult> results = new ArrayList<>();
        for (int repeat = 1; repeat <= options.repeats(); repeat++) {
            for (Peer peer : rotated(peers, repeat)) {
                for (String generator : options.generatorsAt(steps.getFirst().rate())) {
                    results.addAll(sweepOnce(peer, repeat, steps, generator));
                }
            }
        }
        List<RunResult> byStep = new ArrayList<>(results);
        byStep.sort(Comparator.comparingDouble(RunResult::rate));
        return byStep;
    }

    /** One peer's sweep on one server: {@link #runSweep}. */
    private List<RunResult> sweepOnce(Peer peer, int repeat, List<Step> steps, String generator) throws Exception {
        String what = "sweep  repeat " + repeat + "/" + options.repeats() + "  " + peer.name() + "  ("
                + label(generator) + ")";
        progress.step(what + preloading());
        double sweepStart = plannedDone;
        try (PeerProcess server = startServer(peer, options, logs)) {
            URI uri = options.target(HOST, server.port());
            Step lowest = steps.getFirst();
            plannedDone = sweepStart + START_STOP_SECONDS / 2;
            progress.at(plannedDone);
            SweepWarmUp.run(options, peer, steps.stream().map(Step::rate).toList(), (rate, d) -> load(generator,
                    uri, new Step(rate, lowest.connections(), lowest.pipeline(), false), d, plannedDone),
                    () -> jitCounts(server, peer), progress, what);
            plannedDone = sweepStart + START_STOP_SECONDS / 2 + SweepWarmUp.plannedSeconds(options, steps.size());
            List<RunResult> results = new ArrayList<>();
            for (Step step : steps) {
                progress.step(describe(step, repeat, peer, label(generator)));
                results.add(measured(server, peer, repeat, step, generator));
            }
            return results;
        } finally {
            plannedDone = sweepStart + sweepSeconds(options, steps.size(),
                    (int) steps.stream().filter(Step::countSyscalls).count());
            progress.at(plannedDone);
        }
    }

    /** @return what starting a server involves beside starting it, for the progress line */
    private String preloading() {
        return options.protocol() == LoadProtocol.MEMCACHE ? "  preloading " + options.keys() + " keys" : "";
    }

    private String label(String generator) {
        return generator.equals("builtin") ? options.generatorLabel() : generator;
    }

    /**
     * The measured window of one step on a server that is warm, then its system-call window.
     *
     * @return the run's result
     */
    private RunResult measured(PeerProcess server, Peer peer, int repeat, Step step, String generator)
            throws Exception {
        String what = describe(step, repeat, peer, label(generator));
        progress.step(what + "  measuring");
        long pid = server.pid();
        URI uri = options.target(HOST, server.port());
        double start = plannedDone;
        ServerWindow window = new ServerWindow(server, peer);
        LoadResult load = measure(generator, uri, step, window);
        long cpuUsed = window.cpuAfter.totalNanos() - window.cpuBefore.totalNanos();
        double rss = ProcStat.rssBytes(pid);
        boolean serverPinned = ProcStat.pinnedTo(pid, options.serverCpus());
        double serverCpuShare = cpuUsed / (double) options.duration().toNanos()
                / ProcStat.cpuSet(ProcStat.allowedCpus(pid)).cardinality();
        boolean loadPinned = load.generatorCpus() != null
                && ProcStat.cpuSet(load.generatorCpus()).equals(ProcStat.cpuSet(options.loadCpus()));
        plannedDone = start + seconds(LEAD_IN) + seconds(options.duration());
        progress.at(plannedDone);
        double perRequestSyscalls = Double.NaN;
        if (countSyscalls && step.countSyscalls() && !options.syscallWindow().isZero()) {
            progress.step(what + "  counting system calls");
            perRequestSyscalls = syscallsPerRequest(generator, pid, uri, step, plannedDone);
            plannedDone += seconds(options.syscallWindow());
        }
        double requests = load.requests();
        double cpuMicros = requests > 0 ? cpuUsed / 1000.0 / requests : Double.NaN;
        double userMicros = requests > 0
                ? (window.cpuAfter.userNanos() - window.cpuBefore.userNanos()) / 1000.0 / requests : Double.NaN;
        double alloc = window.allocationPerResponse();
        GcCounts gc = window.gcAfter.map(after -> after.minus(window.gcBefore.orElseThrow())).orElse(null);
        JitCounts jit = window.jitAfter.map(after -> after.minus(window.jitBefore.orElseThrow())).orElse(null);
        return new RunResult(peer.name(), repeat, step.rate(), step.connections(), step.pipeline(), load,
                perRequestSyscalls, cpuMicros, userMicros, alloc, rss, serverCpuShare, serverPinned, loadPinned, gc,
                jit);
    }

    /**
     * Stores the kv workload's keys in the fresh server and checks a sample of them is there, so that its GETs hit as
     * they would in a warm cache.
     *
     * @throws IllegalStateException if the server does not hold them (the message says how many a sample missed)
     */
    private static void preload(PeerProcess server, Peer peer, BenchOptions o) {
        try {
            MemcachePreload.run(HOST, server.port(), o.workload(), PRELOAD_TIMEOUT);
        } catch (IOException e) {
            server.requireAlive();
            throw new IllegalStateException("preloading " + o.workload().name() + " into " + peer.name()
                    + " (pid " + server.pid() + ") failed: " + e.getMessage(), e);
        }
    }

    /**
     * Starts a fresh server of {@code peer} on a free port of {@link #HOST}, pinned to the server CPUs, and waits until
     * it serves; for the kv test, with the workload's keys preloaded ({@link #preload}). The caller closes it.
     */
    static PeerProcess startServer(Peer peer, BenchOptions o, Path logs) throws IOException, InterruptedException {
        PeerProcess server = PeerProcess.start(peer, new PeerConfig(HOST, Bench.freePort(HOST), o.threads(),
                o.serverCpus(), logs));
        try {
            server.awaitReady(READY_TIMEOUT);
            if (o.protocol() == LoadProtocol.MEMCACHE) {
                preload(server, peer, o);
            }
            return server;
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Runs the same load once more for {@link BenchOptions#syscallWindow()}, with perf counting the server's system
     * calls: apart from the measured window, because tracing {@code raw_syscalls} makes every traced call slower, and
     * so taxes a peer in proportion to the system calls it makes per request.
     *
     * @return system calls per response in that window, NaN when perf failed or nothing was answered
     */
    private double syscallsPerRequest(String generator, long pid, URI uri, Step step, double progressStart)
            throws Exception {
        SyscallCounter syscalls = SyscallCounter.attach(pid);
        LoadResult traced;
        long count;
        try {
            traced = load(generator, uri, step, options.syscallWindow(), progressStart);
        } finally {
            count = stop(syscalls);
        }
        return count >= 0 && traced.requests() > 0 ? count / (double) traced.requests() : Double.NaN;
    }

    /**
     * The measured window's load, with {@code window} read as it opens and closes (and the server's allocations before
     * and after). The built-in generator first runs {@link #LEAD_IN} of the same load on the same connections, outside
     * the window and outside the server's CPU, GC and JIT time read for it: a window that opened on new connections
     * measured, in its first second, a JVM server recompiling the paths that its previous connections' close and the
     * idle moment before had deoptimised (kv at 40 000 requests/s: 3 to 45 % of that second's requests over 500 µs,
     * against under 1 % in the seconds after). wrk has no lead-in.
     */
    private LoadResult measure(String generator, URI uri, Step step, ServerWindow window) throws Exception {
        window.beforeLoad();
        LoadResult load;
        if (generator.equals("wrk") || generator.equals("wrk2")) {
            window.opened();
            load = load(generator, uri, step, options.duration(), plannedDone);
            window.closed();
            window.finished(load.requests());
        } else {
            double start = plannedDone;
            double span = seconds(LEAD_IN) + seconds(options.duration());
            load = LoadGenerator.run(new LoadSpec(uri, step.connections(), options.loadThreads(),
                    options.duration(), LEAD_IN, step.rate(), step.pipeline(), options.generatorTransport(),
                    RESPONSE_TIMEOUT), share -> progress.at(start + share * span), window);
        }
        window.afterLoad();
        return load;
    }

    /**
     * What is read of the server at the measured window's start and end: its CPU, GC and JIT, from {@code /proc} and
     * its hsperfdata, which asks nothing of the server. Its allocations are asked of it (a request on a connection of
     * its own) before the load and after it, never while the load runs: a request of another kind, on a new
     * connection, made kv's JVM recompile its hot paths inside the window; they are divided by all the responses of
     * that span ({@link #finished}).
     */
    private final class ServerWindow implements LoadGenerator.Window {
        private final PeerProcess server;
        private final Peer peer;
        ProcStat.CpuTimes cpuBefore;
        ProcStat.CpuTimes cpuAfter;
        private OptionalLong allocBefore = OptionalLong.empty();
        private OptionalLong allocAfter = OptionalLong.empty();
        /** Responses over which the allocations were counted; NaN until known. */
        private double allocResponses = Double.NaN;
        Optional<GcCounts> gcBefore = Optional.empty();
        Optional<GcCounts> gcAfter = Optional.empty();
        Optional<JitCounts> jitBefore = Optional.empty();
        Optional<JitCounts> jitAfter = Optional.empty();

        ServerWindow(PeerProcess server, Peer peer) {
            this.server = server;
            this.peer = peer;
        }

        /** Before the load, lead-in included: the server's allocations so far. */
        void beforeLoad() {
            allocBefore = server.allocatedBytes();
        }

        /** After the load and its drain: the server's allocations so far. */
        void afterLoad() {
            allocAfter = server.allocatedBytes();
        }

        /** @return bytes the server allocated per response over the load, NaN where not counted */
        double allocationPerResponse() {
            return allocBefore.isPresent() && allocAfter.isPresent() && allocResponses > 0
                    ? (allocAfter.getAsLong() - allocBefore.getAsLong()) / allocResponses : Double.NaN;
        }

        @Override
        public void opened() {
            cpuBefore = ProcStat.cpuTimes(server.pid());
            gcBefore = gcCounts(server, peer);
            jitBefore = jitCounts(server, peer);
        }

        @Override
        public void closed() {
            cpuAfter = ProcStat.cpuTimes(server.pid());
            gcAfter = gcBefore.isPresent() ? gcCounts(server, peer) : Optional.empty();
            jitAfter = jitBefore.isPresent() ? jitCounts(server, peer) : Optional.empty();
        }

        @Override
        public void finished(long allResponses) {
            allocResponses = allResponses;
        }
    }

    private LoadResult load(String generator, URI uri, Step step, Duration duration, double progressStart)
            throws Exception {
        double span = seconds(duration);
        return switch (generator) {
            case "wrk", "wrk2" -> WrkRunner.run(generator, uri, options.loadThreads(), step.connections(),
                    duration, step.rate(), step.pipeline(), options.loadCpus());
            default -> LoadGenerator.run(new LoadSpec(uri, step.connections(), options.loadThreads(), duration,
                    Duration.ZERO, step.rate(), step.pipeline(), options.generatorTransport(), RESPONSE_TIMEOUT),
                    share -> progress.at(progressStart + share * span));
        };
    }

    /** @return which requested peers cannot run here or with these options, with the reason; the rest run */
    static List<String> unavailable(List<Peer> requested, BenchOptions o, List<Peer> runnable) {
        List<String> skipped = new ArrayList<>();
        // Only the thread count matters to unsupported(); the port is a placeholder.
        PeerConfig config = new PeerConfig(HOST, 1, o.threads(), o.serverCpus(), o.out().resolve("logs"));
        for (Peer p : requested) {
            Optional<String> why = p.unavailable().or(() -> p.unsupported(config));
            if (why.isPresent()) {
                skipped.add(p.name() + ": " + why.get());
            } else {
                runnable.add(p);
            }
        }
        return skipped;
    }

    /**
     * @return the server JVM's collections so far; empty for a peer that is not a JVM, or when its counters cannot be
     *         read (said on the progress line: that loses the GC columns of this run, not the run)
     */
    private Optional<GcCounts> gcCounts(PeerProcess server, Peer peer) {
        return counters("GC counts", peer, server::gcCounts);
    }

    /** A reading of a server JVM's performance counters, which a JVM may not publish. */
    private interface CounterReading<T> {
        Optional<T> read() throws IOException;
    }

    /** @return {@code reading}'s counters; empty, said on the progress line, when they cannot be read */
    private <T> Optional<T> counters(String what, Peer peer, CounterReading<T> reading) {
        try {
            return reading.read();
        } catch (IOException | IllegalArgumentException e) {
            progress.step(what + " of " + peer.name() + " are n/a in this run: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The warm-up's load goes on until the server's JIT settles ({@link JitSettle}); said when it does not. */
    private void settleJit(PeerProcess server, Peer peer, String generator, URI uri, Step step, String what)
            throws Exception {
        JitSettle.settle(() -> jitCounts(server, peer), () -> load(generator, uri, step, BenchOptions.JIT_SETTLE_STEP,
                plannedDone), options.jitSettle(), progress, what);
    }

    /** @return the server JVM's compilations so far; empty for a peer that is not a JVM or whose counters failed */
    private Optional<JitCounts> jitCounts(PeerProcess server, Peer peer) {
        return counters("JIT counts", peer, server::jitCounts);
    }

    /** @return the system calls counted, -1 when not counted (a failing perf loses that measure, not the run) */
    private long stop(SyscallCounter syscalls) {
        if (syscalls == null) {
            return -1;
        }
        try {
            return syscalls.stop();
        } catch (IOException e) {
            progress.step("perf failed, syscalls/req of this run is n/a: " + e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

}
