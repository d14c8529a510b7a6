package dev.ix.bench.wrk;

import dev.ix.bench.measure.Executables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code mcload}, the kv benchmark's independent open-loop generator: a small C program (this package's
 * {@code mcload.c}, compiled here on first use with the machine's C compiler) that sends the requests of a file on a
 * fixed schedule and measures every answer from its intended send time. It shares nothing with the built-in Java
 * generator (no JVM, no Netty, no garbage collector), so where the two agree on a server's tail latency, the figure is
 * the server's. It keeps its CPU busy polling.
 *
 * <p>Thread-safe; the compiled program is shared by the whole process.
 */
public final class Mcload {

    /** The compilers looked for, in order. */
    static final List<String> COMPILERS = List.of("cc", "gcc");
    private static final String SOURCE = "mcload.c";
    private static final Duration GRACE = Duration.ofSeconds(30);
    /** The longest latency the histogram holds: ten minutes, in µs; mcload caps what it reports below that. */
    private static final long HIGHEST_MICROS = 600_000_000L;

    private static Path compiled;

    private Mcload() {
    }

    /**
     * What one run measured.
     *
     * @param requests        answers received
     * @param unsent          requests due before the window's end that never left (charged from their intended time to
     *                        the window's end, in the histogram)
     * @param errors          answers other than {@code STORED} or a GET's {@code END}
     * @param misses          GETs answered without a value
     * @param timeouts        requests unanswered 2 s after the window (in the histogram, to when they were given up)
     * @param latency         every request's latency, µs, from its intended send time
     * @param sendLagP99Micros the 99th percentile of actual minus intended send time, µs
     */
    public record Result(long requests, long unsent, long errors, long misses, long timeouts, Histogram latency,
                         double sendLagP99Micros) {
    }

    /** @return empty when a C compiler is on {@code PATH}; otherwise how to get one */
    public static Optional<String> unavailable() {
        return compiler().isPresent() ? Optional.empty()
                : Optional.of("no C compiler to build mcload: run sudo benchmarks/install-tools.sh (Debian package"
                + " gcc)");
    }

    /**
     * Runs {@code mcload HOST PORT RATE LEAD_IN SECONDS CONNECTIONS REQUEST_FILE}, pinned to {@code cpus}, and waits
     * for it (about {@code leadIn + duration}, plus up to 2 s for the last answers).
     *
     * @param requests a file of requests as {@link dev.ix.bench.load.MemcacheWorkload#writeRequestFile} writes
     * @param rate     requests per second over all connections, {@code > 0}
     * @param leadIn   load on the same connections before the measured window, not measured: what a server does while
     *                 its connections are new stays out of the window
     * @param workDir  where mcload is compiled (once per process) and its output is kept
     * @throws IOException if mcload cannot be built or run, fails, or prints what it should not
     */
    public static Result run(String host, int port, Path requests, double rate, Duration leadIn, Duration duration,
                             int connections, String cpus, Path workDir) throws IOException, InterruptedException {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: > 0; mcload is open loop only)");
        }
        Path tool = executable(workDir);
        Path output = workDir.resolve("mcload-" + port + ".out");
        Path errors = workDir.resolve("mcload-" + port + ".err");
        double seconds = duration.toNanos() / 1e9;
        double lead = leadIn.toNanos() / 1e9;
        Process p = new ProcessBuilder("taskset", "-c", cpus, tool.toString(), host, Integer.toString(port),
                Long.toString(Math.round(rate)), Double.toString(lead), Double.toString(seconds),
                Integer.toString(connections), requests.toString()).redirectOutput(output.toFile())
                .redirectError(errors.toFile()).start();
        long limit = (long) Math.ceil(lead + seconds) + GRACE.toSeconds();
        if (!p.waitFor(limit, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("mcload did not finish within " + limit + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("mcload failed (exit " + p.exitValue() + "): "
                    + Files.readString(errors, StandardCharsets.UTF_8).strip());
        }
        return parse(Files.readString(output, StandardCharsets.US_ASCII));
    }

    /** @return mcload's output read: its counts, and the latency histogram from its {@code latency_us} lines */
    static Result parse(String output) throws IOException {
        long requests = -1;
        long unsent = -1;
        long errors = -1;
        long misses = -1;
        long timeouts = -1;
        double lag = Double.NaN;
        Histogram latency = new Histogram(HIGHEST_MICROS, 3);
        for (String line : output.lines().toList()) {
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "requests" -> requests = Long.parseLong(f[1]);
                    case "unsent" -> unsent = Long.parseLong(f[1]);
                    case "errors" -> errors = Long.parseLong(f[1]);
                    case "misses" -> misses = Long.parseLong(f[1]);
                    case "timeouts" -> timeouts = Long.parseLong(f[1]);
                    case "send_lag_p99_us" -> lag = Double.parseDouble(f[1]);
                    case "latency_us" -> latency.recordValueWithCount(Math.min(HIGHEST_MICROS, Long.parseLong(f[1])),
                            Long.parseLong(f[2]));
                    default -> {
                        // max_lag_us and anything newer: not used here
                    }
                }
            } catch (RuntimeException e) {
                throw new IOException("mcload printed a line it should not have: \"" + line + "\"", e);
            }
        }
        if (requests < 0 || unsent < 0 || errors < 0 || misses < 0 || timeouts < 0 || Double.isNaN(lag)) {
            throw new IOException("mcload's output lacks its counts: " + output.lines().limit(8).toList());
        }
        return new Result(requests, unsent, errors, misses, timeouts, latency, lag);
    }

    /** @return mcload built from this package's source into {@code workDir}, or the copy built before */
    static synchronized Path executable(Path workDir) throws IOException, InterruptedException {
        if (compiled != null && Files.isExecutable(compiled)) {
            return compiled;
        }
        Path cc = compiler().orElseThrow(() -> new IOException(unavailable().orElseThrow()));
        Files.createDirectories(workDir);
        Path source = workDir.resolve(SOURCE);
        try (InputStream in = Mcload.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException(SOURCE + " is missing from the classpath (dev/ix/bench/wrk/)");
            }
            Files.write(source, in.readAllBytes());
        }
        Path binary = workDir.resolve("mcload");
        Process p = new ProcessBuilder(cc.toString(), "-O2", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(cc + " could not build mcload: " + log.strip());
        }
        compiled = binary;
        return binary;
    }

    private static Optional<Path> compiler() {
        return COMPILERS.stream().map(Executables::find).flatMap(Optional::stream).findFirst();
    }
}
