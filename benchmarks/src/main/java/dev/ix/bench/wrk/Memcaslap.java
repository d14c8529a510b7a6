package dev.ix.bench.wrk;

import dev.ix.bench.load.MemcacheWorkload;
import dev.ix.bench.measure.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * libmemcached's {@code memcaslap} (memaslap; Debian package libmemcached-tools), the second opinion of
 * {@code ./ix bench kv}: a closed-loop memcached load of its own (each of its concurrent clients waits for an answer
 * before the next request), from a configuration that approximates the workload (key lengths, value sizes in
 * buckets drawn from {@link MemcacheWorkload}, the GET share). It sets the keys it reads itself. Its throughput is
 * printed beside the built-in generator's, not mixed with it.
 *
 * <p>memcaslap refuses keys shorter than 16 bytes, so USR's 12..19-byte keys become 16..19 here. Debian names the
 * tool {@code memcaslap}; upstream builds call it {@code memaslap}, which is used when the first is missing. Its
 * sibling {@code memcslap} is not used: it runs a number of operations, not a duration, and has no workload
 * configuration.
 *
 * <p>Stateless and thread-safe.
 */
public final class Memcaslap {

    /** The names the tool goes by, in the order they are looked for. */
    static final List<String> TOOLS = List.of("memcaslap", "memaslap");
    /** memcaslap's shortest key. */
    static final int MIN_KEY = 16;
    private static final Pattern TPS = Pattern.compile("\\bTPS: ([0-9]+)");
    /** Value-size bucket bounds for the configuration, in bytes. */
    private static final List<Integer> VALUE_BOUNDS = List.of(64, 128, 256, 512, 1023, 1024);
    private static final int SAMPLES = 100_000;
    private static final Duration GRACE = Duration.ofSeconds(30);

    private Memcaslap() {
    }

    /** @return empty when memcaslap is on {@code PATH}; otherwise how to get it */
    public static Optional<String> unavailable() {
        return executable().isPresent() ? Optional.empty()
                : Optional.of("memcaslap is not installed: run sudo benchmarks/install-tools.sh (Debian package"
                + " libmemcached-tools)");
    }

    /**
     * memcaslap's {@code -F} file for {@code workload}: key lengths as one range, value sizes as the share of each
     * bucket, and the SET (0) and GET (1) shares.
     */
    static String config(MemcacheWorkload workload) {
        StringBuilder sb = new StringBuilder("key\n");
        int shortest = Integer.MAX_VALUE;
        int longest = 0;
        for (int i = 0; i < Math.min(workload.keys(), SAMPLES); i++) {
            int n = workload.key(i).length;
            shortest = Math.min(shortest, n);
            longest = Math.max(longest, n);
        }
        sb.append(Math.max(MIN_KEY, shortest)).append(' ').append(Math.max(MIN_KEY, longest)).append(" 1\nvalue\n");
        if (workload.name().equals("usr")) {
            sb.append(workload.maxValueSize()).append(' ').append(workload.maxValueSize()).append(" 1\n");
        } else {
            int[] counts = new int[VALUE_BOUNDS.size()];
            SplittableRandom random = new SplittableRandom(1);
            for (int i = 0; i < SAMPLES; i++) {
                int size = workload.valueSize(random);
                int b = 0;
                while (size > VALUE_BOUNDS.get(b)) {
                    b++;
                }
                counts[b]++;
            }
            int low = 1;
            for (int b = 0; b < counts.length; b++) {
                if (counts[b] > 0) {
                    sb.append(low).append(' ').append(VALUE_BOUNDS.get(b)).append(' ')
                            .append(String.format(Locale.ROOT, "%.4f", counts[b] / (double) SAMPLES)).append('\n');
                }
                low = VALUE_BOUNDS.get(b) + 1;
            }
        }
        sb.append("cmd\n")
                .append(String.format(Locale.ROOT, "0 %.4f\n", 1 - workload.getShare()))
                .append(String.format(Locale.ROOT, "1 %.4f\n", workload.getShare()));
        return sb.toString();
    }

    /**
     * Runs {@code memcaslap -s HOST:PORT -F CONFIG -t SECONDS -T 1 -c CONCURRENCY}, pinned to {@code cpus}, and
     * waits for it (about {@code duration}).
     *
     * @param workDir where the configuration and memcaslap's output are written
     * @return operations per second as memcaslap reports them
     * @throws IOException if it cannot run or its output has no throughput (the message has its last lines)
     */
    public static double run(String host, int port, MemcacheWorkload workload, Duration duration, int concurrency,
                             String cpus, Path workDir) throws IOException, InterruptedException {
        Path tool = executable().orElseThrow(() -> new IOException(unavailable().orElseThrow()));
        Files.createDirectories(workDir);
        Path config = workDir.resolve("memcaslap-" + workload.name() + ".cfg");
        Files.writeString(config, config(workload), StandardCharsets.US_ASCII);
        Path output = workDir.resolve("memcaslap-" + workload.name() + "-" + port + ".log");
        long seconds = Math.max(1, duration.toSeconds());
        Process p = new ProcessBuilder("taskset", "-c", cpus, tool.toString(), "-s", host + ":" + port, "-F",
                config.toString(), "-t", seconds + "s", "-T", "1", "-c", Integer.toString(concurrency))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(seconds + GRACE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("memcaslap did not finish within " + (seconds + GRACE.toSeconds()) + " s");
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        OptionalDouble tps = tps(text);
        if (tps.isEmpty()) {
            List<String> lines = text.lines().toList();
            throw new IOException("memcaslap (exit " + p.exitValue() + ") reported no TPS: "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
        }
        return tps.getAsDouble();
    }

    private static Optional<Path> executable() {
        return TOOLS.stream().map(Executables::find).flatMap(Optional::stream).findFirst();
    }

    /** @return the TPS of memcaslap's final {@code Run time: ... TPS: N ...} line */
    static OptionalDouble tps(String output) {
        Matcher m = TPS.matcher(output);
        OptionalDouble last = OptionalDouble.empty();
        while (m.find()) {
            last = OptionalDouble.of(Double.parseDouble(m.group(1)));
        }
        return last;
    }
}
