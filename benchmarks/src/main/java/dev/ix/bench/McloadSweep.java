package dev.ix.bench;

import dev.ix.bench.load.MemcacheWorkload;
import dev.ix.bench.measure.JitCounts;
import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.PeerProcess;
import dev.ix.bench.wrk.Mcload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * The kv experiment's third opinion, on latency (after the built-in generator and memcaslap): the built-in sweep's
 * offered rates again, loaded by {@link Mcload} (C, no JVM) instead of the harness's Java generator, so that a
 * server's throughput within the p99 bound does not rest on one generator. Per repeat, each peer in the rotated order
 * gets one fresh server ({@link BenchRunner#startServer}: keys preloaded), warmed up as the built-in sweep's
 * ({@link SweepWarmUp}), then every rate from the lowest up, {@link BenchOptions#duration()} each after a
 * {@link BenchRunner#LEAD_IN} on the same connections, on the same server. The server is pinned to the server CPUs
 * and mcload to the load CPUs.
 */
final class McloadSweep {

    /**
     * One offered rate of one peer, over all repeats.
     *
     * @param rate              offered requests/s
     * @param requestsPerSecond the median over repeats of the answers per second of the window
     * @param latency           all repeats' latencies merged, µs from intended send times
     * @param errors            answers other than asked, GETs that missed and requests unanswered, all repeats (requests
     *                          left unsent at a window's end are in the latency, charged, as the built-in generator's)
     * @param jitMillis         the median over repeats of the server JVM's compilation time in the run (lead-in and
     *                          window), ms; NaN for a server not on a JVM
     */
    record Point(double rate, double requestsPerSecond, Histogram latency, long errors, double jitMillis) {
        /** @return the merged 99th percentile, µs */
        double p99() {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(99);
        }
    }

    private final BenchOptions options;
    private final List<Peer> peers;
    private final Progress progress;
    private final Path logs;

    McloadSweep(BenchOptions options, List<Peer> peers, Progress progress, Path logs) {
        this.options = options;
        this.peers = peers;
        this.progress = progress;
        this.logs = logs;
    }

    /**
     * @param rates the offered rates, requests/s (&gt; 0)
     * @return each peer's points, by rate from the lowest; a peer whose server failed in some repeat has the repeats
     *         that ran
     * @throws IOException if the request file cannot be written or mcload cannot be built
     */
    Map<String, List<Point>> run(List<Double> rates) throws IOException, InterruptedException {
        List<Double> ascending = rates.stream().filter(r -> r > 0).distinct().sorted().toList();
        Map<String, Map<Double, List<Run>>> results = new LinkedHashMap<>();
        peers.forEach(p -> results.put(p.name(), new LinkedHashMap<>()));
        if (ascending.isEmpty()) {
            return Map.of();
        }
        MemcacheWorkload workload = options.workload();
        Files.createDirectories(logs);
        Path requests = logs.resolve("mcload-" + workload.name() + ".requests");
        workload.writeRequestFile(requests);
        for (int repeat = 1; repeat <= options.repeats(); repeat++) {
            for (Peer peer : BenchRunner.rotated(peers, repeat)) {
                try {
                    sweep(peer, repeat, requests, ascending, results.get(peer.name()));
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    progress.step(workload.name() + "  mcload  " + peer.name() + " repeat " + repeat + " failed: "
                            + e.getMessage());
                }
            }
        }
        Map<String, List<Point>> points = new LinkedHashMap<>();
        results.forEach((peer, byRate) -> points.put(peer, byRate.entrySet().stream()
                .map(e -> point(e.getKey(), e.getValue())).toList()));
        return points;
    }

    private void sweep(Peer peer, int repeat, Path requests, List<Double> rates,
                       Map<Double, List<Run>> into) throws Exception {
        String what = options.workload().name() + "  mcload  repeat " + repeat + "/" + options.repeats() + "  "
                + peer.name();
        progress.step(what + "  preloading");
        try (PeerProcess server = BenchRunner.startServer(peer, options, logs)) {
            int port = server.port();
            SweepWarmUp.run(options, peer, rates, (rate, d) -> load(port, requests, rate, Duration.ZERO, d),
                    server::jitCounts, progress, what);
            for (double rate : rates) {
                progress.step(what + String.format(Locale.ROOT, "  %.0f req/s", rate));
                Optional<JitCounts> before = server.jitCounts();
                Mcload.Result result = load(port, requests, rate, BenchRunner.LEAD_IN, options.duration());
                Optional<JitCounts> after = server.jitCounts();
                double jit = before.isPresent() && after.isPresent()
                        ? after.get().minus(before.get()).compileMillis() : Double.NaN;
                into.computeIfAbsent(rate, r -> new ArrayList<>()).add(new Run(result, jit));
            }
        }
    }

    private Mcload.Result load(int port, Path requests, double rate, Duration leadIn, Duration duration)
            throws IOException, InterruptedException {
        return Mcload.run(BenchRunner.HOST, port, requests, rate, leadIn, duration, options.connections().getFirst(),
                options.loadCpus(), logs);
    }

    /** One mcload run and the server's compilation time over it. */
    private record Run(Mcload.Result result, double jitMillis) {
    }

    private Point point(double rate, List<Run> runs) {
        Histogram merged = new Histogram(runs.getFirst().result().latency().getHighestTrackableValue(), 3);
        long errors = 0;
        double[] rps = new double[runs.size()];
        double[] jit = new double[runs.size()];
        double seconds = options.duration().toNanos() / 1e9;
        for (int i = 0; i < runs.size(); i++) {
            Mcload.Result r = runs.get(i).result();
            merged.add(r.latency());
            errors += r.errors() + r.misses() + r.timeouts();
            rps[i] = r.requests() / seconds;
            jit[i] = runs.get(i).jitMillis();
        }
        return new Point(rate, Summary.median(rps), merged, errors, Summary.median(jit));
    }
}
