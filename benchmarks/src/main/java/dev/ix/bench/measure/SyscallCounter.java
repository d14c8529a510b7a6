package dev.ix.bench.measure;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Counts the system calls a process makes, all its threads together (threads started later included), with
 * {@code perf stat -e raw_syscalls:sys_enter -p PID}: from {@link #attach(long)} to {@link #stop()}.
 *
 * <p>One instance counts one window and is used by one thread. Static methods are thread-safe.
 */
public final class SyscallCounter {

    static final String EVENT = "raw_syscalls:sys_enter";

    private static final String FIX = "run benchmarks/install-tools.sh as root (it installs perf and sets "
            + "kernel.perf_event_paranoid=1), or run the harness as root; a non-root user also needs the tracing "
            + "file system readable (mount -o remount,mode=755 /sys/kernel/tracing)";

    /** Between opening its last event and enabling them all, perf does a little setup: allow for it. */
    private static final long ENABLE_MARGIN_MILLIS = 50;

    private static final long POLL_MILLIS = 5;
    private static final int SETTLED_POLLS = 3;
    private static final long ATTACH_TIMEOUT_MILLIS = 10_000;
    private static final long STOP_TIMEOUT_SECONDS = 10;

    private final Process perf;
    private final long target;
    private final Path output;
    private final Path log;

    private SyscallCounter(Process perf, long target, Path output, Path log) {
        this.perf = perf;
        this.target = target;
        this.output = output;
        this.log = log;
    }

    /**
     * Whether syscalls can be counted here, found out once per JVM by counting those of {@code true}.
     *
     * @return empty when they can; otherwise why not and what fixes it
     */
    public static Optional<String> unavailable() {
        return Probe.RESULT;
    }

    /**
     * Starts counting the syscalls of {@code pid}; returns once perf counts.
     *
     * @param pid a live process the harness may trace (its own child, or any as root)
     * @return the counter, owned by the caller, who must {@link #stop()} it
     * @throws IllegalStateException if {@link #unavailable()} says so, or perf could not attach (its message
     *                               included)
     * @throws IOException           if perf cannot be started or its files cannot be created
     */
    public static SyscallCounter attach(long pid) throws IOException, InterruptedException {
        unavailable().ifPresent(why -> {
            throw new IllegalStateException("cannot count syscalls: " + why);
        });
        Path output = Files.createTempFile("ix-perf-stat-", ".csv");
        Path log = Files.createTempFile("ix-perf-stat-", ".log");
        ProcessBuilder builder = perfStat(List.of("-o", output.toString(), "-p", Long.toString(pid)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process perf = builder.start();
        SyscallCounter counter = new SyscallCounter(perf, pid, output, log);
        try {
            counter.awaitCounting();
        } catch (RuntimeException | InterruptedException e) {
            perf.destroyForcibly();
            counter.deleteFiles();
            throw e;
        }
        return counter;
    }

    /**
     * Stops counting: interrupts perf (SIGINT, on which it writes its counts) and reads the count.
     *
     * @return syscalls the process made since {@link #attach(long)} returned
     * @throws IllegalStateException if perf failed or printed no count (its output included)
     */
    public long stop() throws IOException, InterruptedException {
        try {
            if (perf.isAlive()) {
                LibC.kill(perf.pid(), LibC.SIGINT);
            }
            if (!perf.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                perf.destroyForcibly();
                throw new IllegalStateException("perf stat did not stop within " + STOP_TIMEOUT_SECONDS
                        + " s of SIGINT: " + perfLog());
            }
            String counts = Files.readString(output);
            OptionalDouble count = PerfStatParser.count(counts, EVENT);
            if (count.isEmpty()) {
                throw new IllegalStateException("perf stat -p " + target + " printed no count of " + EVENT
                        + " (exit status " + perf.exitValue() + "): " + counts.strip() + " " + perfLog());
            }
            return Math.round(count.getAsDouble());
        } finally {
            if (perf.isAlive()) {
                perf.destroyForcibly();
            }
            deleteFiles();
        }
    }

    /**
     * perf opens one event per thread of the target, disabled, in a quick loop, then enables them all: it is
     * attached once it holds events and their number has settled.
     */
    private void awaitCounting() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ATTACH_TIMEOUT_MILLIS);
        long seen = 0;
        int unchanged = 0;
        while (seen == 0 || unchanged < SETTLED_POLLS) {
            if (!perf.isAlive()) {
                throw new IllegalStateException("perf stat -p " + target + " exited with status " + perf.exitValue()
                        + ": " + perfLog());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("perf stat -p " + target + " did not attach within "
                        + ATTACH_TIMEOUT_MILLIS + " ms: " + perfLog());
            }
            Thread.sleep(POLL_MILLIS);
            long events = perfEvents(perf.pid());
            unchanged = events == seen ? unchanged + 1 : 0;
            seen = events;
        }
        Thread.sleep(ENABLE_MARGIN_MILLIS);
    }

    private static long perfEvents(long pid) {
        long events = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals("anon_inode:[perf_event]")) {
                        events++;
                    }
                } catch (IOException closedMeanwhile) {
                    // perf closes descriptors while it sets up; one that vanished is not an event.
                }
            }
        } catch (IOException perfGone) {
            return 0;
        }
        return events;
    }

    private String perfLog() {
        try {
            String text = Files.readString(log).strip();
            return text.isEmpty() ? "(perf printed nothing)" : text.lines().limit(20).collect(Collectors.joining(" | "));
        } catch (IOException e) {
            return "(perf's output is unreadable: " + e + ")";
        }
    }

    private void deleteFiles() throws IOException {
        Files.deleteIfExists(output);
        Files.deleteIfExists(log);
    }

    /** {@code perf stat} for {@link #EVENT} in CSV, in the C locale so numbers are never grouped. */
    static ProcessBuilder perfStat(List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                Executables.find("perf").map(Path::toString).orElse("perf"), "stat", "-e", EVENT, "-x,"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.DISCARD.file());
        builder.environment().put("LC_ALL", "C");
        return builder;
    }

    /** Runs once, on first use: counting the syscalls of {@code true} shows whether perf works here. */
    private static final class Probe {

        static final Optional<String> RESULT = probe();

        private static Optional<String> probe() {
            if (Executables.find("perf").isEmpty()) {
                return Optional.of("perf is not installed; " + FIX);
            }
            Path output = null;
            try {
                output = Files.createTempFile("ix-perf-probe-", ".csv");
                Path trueCommand = Executables.find("true").orElse(Path.of("/bin/true"));
                Process perf = perfStat(List.of("-o", output.toString(), trueCommand.toString()))
                        .redirectErrorStream(true)
                        .start();
                String printed = new String(perf.getInputStream().readAllBytes()).strip();
                if (!perf.waitFor(30, TimeUnit.SECONDS)) {
                    perf.destroyForcibly();
                    return Optional.of("perf stat -e " + EVENT + " true did not finish within 30 s");
                }
                OptionalDouble count = PerfStatParser.count(Files.readString(output), EVENT);
                if (perf.exitValue() != 0 || count.isEmpty() || count.getAsDouble() <= 0) {
                    String said = printed.isEmpty() ? "it counted none" : printed.lines()
                            .filter(l -> !l.isBlank()).limit(4).map(String::strip).collect(Collectors.joining(" "));
                    return Optional.of("perf cannot count " + EVENT + " here (" + said + "); " + FIX);
                }
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of("perf stat could not run (" + e.getMessage() + "); " + FIX);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while checking perf");
            } finally {
                if (output != null) {
                    try {
                        Files.deleteIfExists(output);
                    } catch (IOException ignored) {
                        // a temporary file left behind is harmless
                    }
                }
            }
        }
    }
}
