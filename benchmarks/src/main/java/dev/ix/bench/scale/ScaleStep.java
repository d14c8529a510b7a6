package dev.ix.bench.scale;

import dev.ix.bench.Bench;
import dev.ix.bench.load.Hgrm;
import dev.ix.bench.load.Percentiles;
import dev.ix.bench.measure.ProcStat;
import dev.ix.bench.peer.PeerConfig;
import dev.ix.bench.peer.PeerProcess;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One step of the benchmark for one transport: start the echo server, open and close {@value #WARMUP_CONNECTIONS}
 * connections to warm it up, measure it, open the idle connections, measure it again, open the active connections,
 * run the latency load, stop everything. A fresh server (and client) per step, so each memory figure starts from
 * the same baseline.
 */
final class ScaleStep {

    static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Pause before each memory snapshot: the kernel frees closed sockets after an RCU grace period. */
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
    private static final int LOG_TAIL_LINES = 20;
    /** Connections opened and closed before the baseline. */
    static final int WARMUP_CONNECTIONS = 5000;

    private final ScaleOptions options;
    private final SourceAddresses sources;
    private final Path out;
    private final PrintStream progress;

    /**
     * @param out      where the {@code .hgrm} files go; the server logs go to its {@code logs} directory
     * @param progress where progress lines go
     */
    ScaleStep(ScaleOptions options, SourceAddresses sources, Path out, PrintStream progress) {
        this.options = options;
        this.sources = sources;
        this.out = out;
        this.progress = progress;
    }

    /**
     * Runs the step.
     *
     * @throws IllegalStateException if the server does not serve, exits, or lacks the open-file limit the step needs
     */
    ScaleResult run(EchoPeer peer, int idle) throws IOException, InterruptedException {
        String label = String.format(Locale.ROOT, "%s %d idle", peer.transport(), idle);
        int port = Bench.freePort(HOST);
        PeerConfig config = new PeerConfig(HOST, port, options.threads(), options.serverCpus(), out.resolve("logs"));
        ScaleClient client = new ScaleClient(new InetSocketAddress(HOST, port), sources, options.connectTimeout());
        // Resources close in reverse: the server stops first, then the client closes what is left of its side.
        try (client; PeerProcess server = PeerProcess.start(peer, config)) {
            long pid = server.pid();
            server.awaitReady(READY_TIMEOUT);
            long needed = (long) idle + options.active() + SystemLimits.SPARE_FILES;
            OptionalLong limit = SystemLimits.openFiles(pid);
            if (limit.isPresent() && limit.getAsLong() < needed) {
                throw new IllegalStateException("the server (pid " + pid + ") may open " + limit.getAsLong()
                        + " files, the step needs " + needed + ": raise ulimit -n before starting (the server"
                        + " inherits this process's limit; benchmarks/connection-scale.sh raises it)");
            }
            // Accepting, echoing and closing some connections first compiles those paths and grows the allocators'
            // pools before the baseline, so that the growth measured is the connections' own; every step does it, so
            // that every server is as warm when its latency is measured.
            open(client, WARMUP_CONNECTIONS, ScaleClient.Role.WARMUP, label + " (warm-up)", server);
            Thread.sleep(SETTLE.toMillis());
            ServerSnapshot before = ServerSnapshot.take(pid, options.heap());

            if (idle > 0) {
                progress.println(label + ": opening " + idle + " connections from " + sources.describe());
            }
            ScaleClient.Outcome opened = open(client, idle, ScaleClient.Role.IDLE, label, server);
            if (opened.failed() > 0) {
                diagnose(label, port, out.resolve("diagnostics-" + peer.transport() + "-" + idle + ".txt"));
            }
            Thread.sleep(SETTLE.toMillis());
            server.requireAlive();
            ServerSnapshot delta = ServerSnapshot.take(pid, options.heap()).minus(before);

            ScaleClient.Outcome loaders = open(client, options.active(), ScaleClient.Role.ACTIVE, label + " (active)",
                    server);
            StringBuilder note = new StringBuilder();
            if (loaders.failed() > 0) {
                note.append(loaders.failed()).append(" of ").append(options.active()).append(" active failed");
            }
            if (opened.stoppedEarly()) {
                appendNote(note, "stopped opening after " + opened.failed() + " failures");
            }
            if (delta.serverFiles() < opened.opened()) {
                appendNote(note, "server holds " + delta.serverFiles() + " more fds");
            }
            Percentiles latency = Percentiles.NONE;
            long sent = 0;
            long answered = 0;
            double serverMicrosPerMessage = Double.NaN;
            double otherCores = Double.NaN;
            if (loaders.opened() > 0) {
                progress.println(label + ": " + loaders.opened() + " active connections, " + options.rateLabel()
                        + " msg/s open loop, " + seconds(options.warmup()) + " s warm-up + "
                        + seconds(options.duration()) + " s");
                CpuSample cpu = CpuSample.take(pid);
                EchoLoad.Result load = client.runLoad(options.rate(), options.warmup(), options.duration());
                CpuSample used = CpuSample.take(pid).minus(cpu);
                latency = Percentiles.of(load.micros());
                sent = load.sent();
                answered = load.answered();
                serverMicrosPerMessage = load.total() == 0 ? Double.NaN : used.server() / 1e3 / load.total();
                otherCores = used.others();
                Hgrm.write(load.micros(), out.resolve(peer.transport() + "-" + idle + ".hgrm"));
            }
            server.requireAlive();
            describeFailures(label, opened);
            return new ScaleResult(peer.transport(), idle, opened.opened(), opened.nanos() / 1e9, opened.failures(),
                    delta.rssBytes(), delta.heapLiveBytes(), delta.kernelBytes(), delta.serverFiles(), latency, sent,
                    answered, serverMicrosPerMessage, otherCores, client.dropped(), note.toString());
        }
    }

    /** Opens {@code count} connections, printing progress while it takes; returns the outcome. */
    private ScaleClient.Outcome open(ScaleClient client, int count, ScaleClient.Role role, String label,
                                     PeerProcess server) throws InterruptedException {
        ScaleClient.Batch batch = client.open(count, role, options.inFlight(), options.maxFailures());
        long started = System.nanoTime();
        while (true) {
            try {
                return batch.result().get(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                progress.printf(Locale.ROOT, "%s: %d of %d open, %d failed, %.0f s%n", label, batch.opened(), count,
                        batch.failed(), (System.nanoTime() - started) / 1e9);
                if (!server.isAlive()) {
                    progress.println(label + ": the server exited; " + server.logTail());
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("opening connections failed", e.getCause());
            }
        }
    }

    private void describeFailures(String label, ScaleClient.Outcome outcome) {
        outcome.failures().forEach((kind, n) -> progress.println(label + ": " + n + " × " + kind.label() + ", first: "
                + outcome.firstMessages().get(kind) + "\n    " + kind.hint()));
    }

    /**
     * Saves what the kernel says about the sockets when connections failed, while the server still runs: the socket
     * summary, the listener's accept queue (Recv-Q against the backlog) and the kernel log's last lines.
     */
    private void diagnose(String label, int port, Path file) throws InterruptedException {
        StringBuilder sb = new StringBuilder();
        for (List<String> command : List.of(List.of("ss", "-s"), List.of("ss", "-ltn", "sport = :" + port),
                List.of("dmesg", "--ctime"))) {
            sb.append("$ ").append(String.join(" ", command)).append('\n');
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                        .toList();
                p.waitFor(10, TimeUnit.SECONDS);
                lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
                        .forEach(line -> sb.append(line).append('\n'));
            } catch (IOException e) {
                sb.append("cannot run: ").append(e.getMessage()).append('\n');
            }
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb);
            progress.println(label + ": connections failed; ss -s, the listener's queue and dmesg are in " + file);
        } catch (IOException e) {
            progress.println(label + ": connections failed; could not save diagnostics: " + e.getMessage()
                    + "\n" + sb);
        }
    }

    /**
     * CPU time, ns: the server's, this client's, and the machine's in user and system mode.
     *
     * @param wallNanos when it was taken ({@link System#nanoTime()}), or the interval after {@link #minus}
     */
    private record CpuSample(long server, long client, OptionalLong machine, long wallNanos) {

        static CpuSample take(long serverPid) {
            return new CpuSample(ProcStat.cpuNanos(serverPid), ProcStat.cpuNanos(ProcessHandle.current().pid()),
                    MachineCpu.busyNanos(), System.nanoTime());
        }

        CpuSample minus(CpuSample before) {
            return new CpuSample(server - before.server, client - before.client,
                    machine.isPresent() && before.machine.isPresent()
                            ? OptionalLong.of(machine.getAsLong() - before.machine.getAsLong()) : OptionalLong.empty(),
                    wallNanos - before.wallNanos);
        }

        /** @return cores other programs kept busy over the interval, or NaN; valid after {@link #minus} */
        double others() {
            return machine.isEmpty() || wallNanos <= 0 ? Double.NaN
                    : Math.max(0, machine.getAsLong() - server - client) / (double) wallNanos;
        }
    }

    private static void appendNote(StringBuilder note, String text) {
        note.append(note.isEmpty() ? "" : "; ").append(text);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds())
                : String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

}
