package dev.ix.bench.peer;

import dev.ix.bench.load.LoadProtocol;
import dev.ix.bench.measure.GcCounts;
import dev.ix.bench.measure.JitCounts;
import dev.ix.samples.AllocationCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * One running peer server. Its output (stdout and stderr) is appended to {@code workDir/<peer>.log}, after a line
 * naming the command, so the logs of successive runs of a peer stay together.
 *
 * <p>The process never outlives the harness: {@link #close()} stops it, a shutdown hook kills any left running when
 * the JVM exits, and the kernel kills it if the JVM dies without running hooks (where {@code setpriv} is available).
 *
 * <p>Owned and used by one thread, except {@link #pid()}, which any thread may call.
 */
public final class PeerProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration STATS_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;
    private static final int LOG_TAIL_LINES = 30;
    private static final int TAIL_BYTES = 16 * 1024;
    static final String STATS_PATH = "/stats/allocated-bytes";
    /** kv's statistic of the same (memcached-protocol peers answer {@code stats}). */
    static final String KV_ALLOCATED_STAT = "jvm_allocated_bytes";
    private static final byte[] RPC_STATS_QUERY = AllocationCounter.RPC_QUERY.getBytes(StandardCharsets.US_ASCII);

    private final Peer peer;
    private final PeerConfig config;
    private final Process process;
    private final Path log;
    private final long logStart;

    private PeerProcess(Peer peer, PeerConfig config, Process process, Path log, long logStart) {
        this.peer = peer;
        this.config = config;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /**
     * Starts {@code peer}; returns at once, before it serves: call {@link #awaitReady(Duration)}.
     *
     * @return the running peer, owned by the caller, who must {@link #close()} it
     * @throws IllegalStateException    if the peer cannot run here ({@link Peer#unavailable()})
     * @throws IllegalArgumentException if it cannot run with {@code config} ({@link Peer#unsupported(PeerConfig)})
     * @throws IOException              if the log cannot be written or the command cannot be started
     */
    public static PeerProcess start(Peer peer, PeerConfig config) throws IOException, InterruptedException {
        peer.unavailable().ifPresent(why -> {
            throw new IllegalStateException(peer.name() + " cannot run here: " + why);
        });
        peer.unsupported(config).ifPresent(why -> {
            throw new IllegalArgumentException(peer.name() + ": " + why);
        });
        Files.createDirectories(config.workDir());
        Path log = config.workDir().resolve(peer.name() + ".log");
        List<String> command = peer.command(config);
        Files.writeString(log, "=== " + Instant.now() + " " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long logStart = Files.size(log);
        Process process = Children.start(new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.DISCARD.file())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
        return new PeerProcess(peer, config, process, log, logStart);
    }

    /**
     * @return the server's own pid (the JVM's, or nginx's): every wrapper in its command line execs, so this is the
     *         process to measure
     */
    public long pid() {
        return process.pid();
    }

    /** @return the port the peer listens on */
    public int port() {
        return config.port();
    }

    /**
     * Waits until the peer serves: it is the process listening on its port, answers {@code GET /plaintext} with
     * 200, and has logged its {@linkplain Peer#servingBanner() banner} (if it has one).
     *
     * @param timeout how long to wait at most
     * @throws IllegalStateException if the process exits first or the timeout passes; the message has the last lines
     *                               of its log
     */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(peer.name() + " exited with status " + process.exitValue()
                        + " before it served on port " + config.port() + "; " + logTail());
            }
            String missing = notReadyBecause();
            if (missing == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(peer.name() + " (pid " + pid() + ") did not serve within " + timeout
                        + " (" + missing + "); " + logTail());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /**
     * The heap bytes the peer's JVM has allocated so far, from its {@code GET /stats/allocated-bytes} (an RPC peer's:
     * from a call carrying {@code AllocationCounter.RPC_QUERY}; kv's: {@code STAT jvm_allocated_bytes} of
     * {@code stats}); read before and after a run for the allocation per request. The request itself allocates a
     * little in the server.
     *
     * @return bytes, or empty when the peer has no such counter (nginx) or it could not be read
     */
    public OptionalLong allocatedBytes() {
        if (!peer.countsAllocations()) {
            return OptionalLong.empty();
        }
        try {
            String body;
            if (peer.protocol() == LoadProtocol.MEMCACHE) {
                body = MemcacheProbe.stat(config.connectHost(), config.port(), KV_ALLOCATED_STAT, STATS_TIMEOUT);
            } else if (peer.protocol() == LoadProtocol.RPC) {
                body = new String(RpcProbe.call(config.connectHost(), config.port(), RPC_STATS_QUERY, STATS_TIMEOUT),
                        StandardCharsets.US_ASCII);
            } else {
                HttpProbe.Response response = HttpProbe.get(config.connectHost(), config.port(), STATS_PATH,
                        STATS_TIMEOUT);
                if (response.status() != 200) {
                    return OptionalLong.empty();
                }
                body = response.body();
            }
            long bytes = Long.parseLong(body.strip());
            return bytes >= 0 ? OptionalLong.of(bytes) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The garbage collections of the peer's JVM so far, from its performance counters ({@code hsperfdata}, what
     * {@code jstat -gc} reads): no process is started and nothing attaches to the peer, so this can be read right
     * before and after a measured window.
     *
     * @return the collections so far, or empty for a peer that is not a JVM ({@link Peer#runsOnJvm()}: nginx)
     * @throws IOException              if the JVM publishes no counters (started with {@code -XX:-UsePerfData}, or
     *                                  exited)
     * @throws IllegalArgumentException if its counters are malformed or lack the GC's
     */
    public Optional<GcCounts> gcCounts() throws IOException {
        return peer.runsOnJvm() ? Optional.of(GcCounts.read(pid())) : Optional.empty();
    }

    /**
     * The just-in-time compilations of the peer's JVM so far, from its performance counters, as {@link #gcCounts()}.
     *
     * @return the compilations so far, or empty for a peer that is not a JVM
     * @throws IOException              if the JVM publishes no counters
     * @throws IllegalArgumentException if its counters are malformed or lack the compiler's
     */
    public Optional<JitCounts> jitCounts() throws IOException {
        return peer.runsOnJvm() ? Optional.of(JitCounts.read(pid())) : Optional.empty();
    }

    /**
     * Stops the peer: SIGTERM, then SIGKILL if it has not exited within 5 s; returns once it is gone. Idempotent.
     */
    @Override
    public void close() {
        boolean interrupted = false;
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                interrupted = true;
                process.destroyForcibly();
            }
        }
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the log the peer writes to */
    Path log() {
        return log;
    }

    /** @return null when ready, else what is still missing */
    private String notReadyBecause() {
        if (!ListeningSockets.ownsOrUnknown(pid(), config.port())) {
            return "not listening on port " + config.port() + " yet";
        }
        Optional<String> probe = peer.notServing(config.connectHost(), config.port(), PROBE_TIMEOUT);
        if (probe.isPresent()) {
            return probe.get();
        }
        if (!peer.announced(logSinceStart(), config.port())) {
            return "its log does not say \"" + peer.servingBanner().orElse("") + "\" for port " + config.port();
        }
        return null;
    }

    /** The log from where this run's output starts, at most its first 1 MiB (the banner is near the start). */
    private String logSinceStart() {
        return readLog(logStart, 1 << 20);
    }

    /** Up to {@code maxBytes} of the log from {@code from}, decoded as UTF-8. */
    private String readLog(long from, int maxBytes) {
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = channel.size() - from;
            if (size <= 0) {
                return "";
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size, maxBytes));
            channel.read(buffer, from);
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /** @return whether the peer's process is still running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * @throws IllegalStateException if the peer's process has exited; the message has the last lines of its log
     */
    public void requireAlive() {
        if (!isAlive()) {
            throw new IllegalStateException(peer.name() + " (pid " + pid() + ") exited with status "
                    + process.exitValue() + "; " + logTail());
        }
    }

    /** @return the last lines of the peer's log, introduced for an error message */
    public String logTail() {
        long end;
        try {
            end = Files.size(log);
        } catch (IOException e) {
            return "its log " + log + " is unreadable: " + e;
        }
        List<String> lines = readLog(Math.max(logStart, end - TAIL_BYTES), TAIL_BYTES).lines().toList();
        List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
        return tail.isEmpty() ? "its log " + log + " is empty"
                : "last lines of " + log + ":\n  " + String.join("\n  ", tail);
    }
}
