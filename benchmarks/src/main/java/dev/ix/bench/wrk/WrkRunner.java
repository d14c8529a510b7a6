package dev.ix.bench.wrk;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.measure.Executables;
import dev.ix.bench.measure.ProcStat;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs wrk (closed loop: each connection sends its next request when the response arrives) or wrk2 (open loop at a
 * fixed rate, latency corrected for coordinated omission) once and returns what it measured, with the CPU wrk itself
 * used. wrk has no warm-up phase: run it once unmeasured first.
 *
 * <p>wrk2 calibrates for its first 10 s (plus 5 ms per connection of a thread) and then discards the latencies it
 * recorded so far, while its request count covers the whole run: give it a duration well beyond that, 30 s or more.
 *
 * <p>Stateless; concurrent runs are possible but would compete for the CPUs they are pinned to.
 */
public final class WrkRunner {

    /** How often wrk's CPU time is sampled; the last sample before it exits is the one used. */
    private static final long CPU_SAMPLE_MILLIS = 50;

    /** wrk stops by itself after the duration; this is only for one that hangs. */
    private static final Duration GRACE = Duration.ofSeconds(60);

    private WrkRunner() {
    }

    /**
     * @param tool {@code wrk} or {@code wrk2}
     * @return empty when {@code tool} is on {@code PATH}; otherwise how to get it
     */
    public static Optional<String> unavailable(String tool) {
        if (Executables.find(tool).isPresent()) {
            return Optional.empty();
        }
        return switch (tool) {
            case "wrk" -> Optional.of("wrk is not installed: run sudo benchmarks/install-tools.sh (Debian package wrk)");
            case "wrk2" -> Optional.of("wrk2 is not on PATH: it is not packaged in Debian; build it from "
                    + "https://github.com/giltene/wrk2 (make) and install the binary as wrk2");
            default -> throw new IllegalArgumentException("tool: " + tool + " (expected: wrk or wrk2)");
        };
    }

    /**
     * Runs {@code tool -t THREADS -c CONNECTIONS -d DURATION --latency [-R RATE] [-s PIPELINE.lua] URI}, pinned to
     * {@code cpus}, and waits for it to finish (about {@code duration}).
     *
     * @param tool        {@code wrk} or {@code wrk2}
     * @param uri         {@code http://host:port/path}
     * @param threads     wrk threads, 1..connections
     * @param connections keep-alive connections, spread over the threads
     * @param duration    the measured window, whole seconds (wrk's resolution), at least 1 s
     * @param rate        requests per second over all connections: required (&gt; 0) for wrk2, which is open loop;
     *                    must be 0 for wrk, which is closed loop
     * @param pipeline    requests each connection sends at once (1 = no pipelining): more than 1 runs wrk with a Lua
     *                    script that sends that many per write, as TechEmpower's pipeline.lua does (wrk only)
     * @param cpus        CPUs to pin wrk to, as {@code taskset -c} takes them, or {@code null} to leave it unpinned
     * @return the run's result: generator {@code tool}, no histogram, {@code generatorCpu} from wrk's CPU time (in
     *         cores, averaged over its run), {@code generatorCpus} the CPUs the kernel let it run on
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException    if the tool is missing, fails, or prints no report (its output included)
     * @throws IOException              if the tool cannot be started or its output cannot be kept
     */
    public static LoadResult run(String tool, URI uri, int threads, int connections, Duration duration, double rate,
                                 int pipeline, String cpus) throws IOException, InterruptedException {
        if (pipeline < 1 || (pipeline > 1 && !tool.equals("wrk"))) {
            throw new IllegalArgumentException("pipeline: " + pipeline + " (expected: 1, or more with wrk)");
        }
        Path script = pipeline > 1 ? Files.createTempFile("ix-wrk-pipeline-", ".lua") : null;
        if (script != null) {
            Files.writeString(script, pipelineScript(pipeline));
        }
        List<String> command = command(tool, uri, threads, connections, duration, rate, cpus, script);
        Path stdout = Files.createTempFile("ix-" + tool + "-", ".out");
        Path stderr = Files.createTempFile("ix-" + tool + "-", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.DISCARD.file())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            Usage usage = cpuWhileRunning(process, duration.plus(GRACE), String.join(" ", command));
            String output = Files.readString(stdout);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit status "
                        + process.exitValue() + ": " + (Files.readString(stderr) + output).strip());
            }
            LoadResult parsed;
            try {
                parsed = WrkParser.parse(tool, output);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage() + "; stderr: " + Files.readString(stderr).strip(), e);
            }
            return new LoadResult(parsed.generator(), parsed.requests(), parsed.errors(), parsed.seconds(),
                    parsed.latency(), null, null, usage.cores(), usage.cpus());
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            if (script != null) {
                Files.deleteIfExists(script);
            }
        }
    }

    /**
     * @return a wrk script that writes {@code depth} requests at once on each connection and sends the next batch
     *         when all their responses are in (wrk counts each response and times each from its batch's write)
     */
    static String pipelineScript(int depth) {
        return """
                -- written by the ix harness: %d requests per write (TechEmpower's pipeline.lua)
                init = function(args)
                  local r = {}
                  for i = 1, %d do
                    r[i] = wrk.format()
                  end
                  req = table.concat(r)
                end

                request = function()
                  return req
                end
                """.formatted(depth, depth);
    }

    static List<String> command(String tool, URI uri, int threads, int connections, Duration duration, double rate,
                                String cpus, Path script) {
        if (!tool.equals("wrk") && !tool.equals("wrk2")) {
            throw new IllegalArgumentException("tool: " + tool + " (expected: wrk or wrk2)");
        }
        if (threads < 1 || connections < threads) {
            throw new IllegalArgumentException("threads: " + threads + ", connections: " + connections
                    + " (expected: 1 <= threads <= connections)");
        }
        if (duration.toMillis() < 1000 || duration.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: whole seconds, at least 1)");
        }
        boolean wrk2 = tool.equals("wrk2");
        if (wrk2 && !(rate >= 1)) {
            throw new IllegalArgumentException("rate: " + rate + " (wrk2 needs a rate of at least 1 request/s)");
        }
        if (!wrk2 && rate != 0) {
            throw new IllegalArgumentException("rate: " + rate + " (wrk is closed loop: use rate 0, or wrk2)");
        }
        unavailable(tool).ifPresent(why -> {
            throw new IllegalStateException(why);
        });
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            // taskset execs wrk, so the started process's pid is wrk's own, the one whose CPU time is measured.
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.add(Executables.find(tool).orElseThrow().toString());
        command.addAll(List.of("-t", Integer.toString(threads), "-c", Integer.toString(connections),
                "-d", duration.toSeconds() + "s", "--latency"));
        if (wrk2) {
            command.addAll(List.of("-R", Long.toString(Math.round(rate))));
        }
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        command.add(uri.toString());
        return command;
    }

    /**
     * What wrk used of the machine.
     *
     * @param cores CPU busy on average between the first and the last sample, NaN if there were fewer than two
     * @param cpus  the CPUs it was allowed to run on, as the kernel lists them, or null if it exited too soon to tell
     */
    private record Usage(double cores, String cpus) {
    }

    /**
     * Waits for {@code process} to exit, sampling its CPU time meanwhile: once it has exited and been reaped its
     * {@code /proc} entry is gone, so the last sample stands for the whole run (missing at most the sampling period
     * at the very end, when wrk only prints).
     */
    private static Usage cpuWhileRunning(Process process, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long firstTime = 0;
        long firstCpu = -1;
        long lastTime = 0;
        long lastCpu = -1;
        String cpus = null;
        do {
            long cpu;
            try {
                cpu = ProcStat.cpuNanos(process.pid());
            } catch (IllegalStateException exited) {
                break;
            }
            if (cpu < lastCpu) {
                // An exited, not yet reaped process may no longer report its threads' time: keep the last sample.
                break;
            }
            long now = System.nanoTime();
            if (firstCpu < 0) {
                firstCpu = cpu;
                firstTime = now;
            }
            try {
                // Read at every sample, the last one kept: the first may come before taskset has pinned and exec'd.
                cpus = ProcStat.allowedCpus(process.pid());
            } catch (IllegalStateException exited) {
                // gone between the two reads: keep the last
            }
            lastCpu = cpu;
            lastTime = now;
            if (now > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " did not finish within " + limit.toSeconds() + " s");
            }
        } while (!process.waitFor(CPU_SAMPLE_MILLIS, TimeUnit.MILLISECONDS));
        process.waitFor();
        return new Usage(lastTime > firstTime ? (double) (lastCpu - firstCpu) / (lastTime - firstTime) : Double.NaN,
                cpus);
    }
}
