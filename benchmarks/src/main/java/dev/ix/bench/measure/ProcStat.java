package dev.ix.bench.measure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What Linux's {@code /proc} tells about a process and the machine: CPU time and resident memory of a peer or a
 * load generator, the CPU model and kernel for a report. Stateless and thread-safe.
 */
public final class ProcStat {

    /**
     * {@code USER_HZ}, the unit of the times in {@code /proc/PID/stat}: fixed at 100 by the kernel ABI on every
     * architecture the harness runs on ({@code getconf CLK_TCK} prints 100 on the x86-64 development machine), so
     * it is not looked up per call.
     */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private static final long NANOS_PER_TICK = 1_000_000_000L / CLOCK_TICKS_PER_SECOND;

    /** Fields of {@code /proc/PID/stat} counted from the one after the command name (field 3, the state). */
    private static final int UTIME = 14 - 3;
    private static final int STIME = 15 - 3;

    private ProcStat() {
    }

    /**
     * CPU time of a process, all its threads together, dead ones included, user plus system; its children are not
     * counted. The resolution is one clock tick (10 ms): measure over seconds, not milliseconds.
     *
     * @param pid a live process of this machine
     * @return nanoseconds of CPU the process has used since it started
     * @throws IllegalStateException if the process does not exist (any more)
     */
    public static long cpuNanos(long pid) {
        return cpuTimes(pid).totalNanos();
    }

    /**
     * {@link #cpuNanos} and its user-space part, from one read.
     *
     * @param pid a live process of this machine
     * @return the process's CPU time since it started
     * @throws IllegalStateException if the process does not exist (any more)
     */
    public static CpuTimes cpuTimes(long pid) {
        return cpuTimes(read(pid, "stat"));
    }

    /**
     * CPU time of a process, all its threads together, dead ones included; same resolution as {@link #cpuNanos}.
     *
     * @param userNanos   the part spent in the process's own code. The rest is the kernel's work on its behalf, which
     *                    on loopback includes receiving what the process sends (the peer's TCP receive path runs in
     *                    the sender's context) and waking the peer: a cost the load generator's behaviour changes,
     *                    where user time is the server's own
     * @param systemNanos the part the kernel spent on its behalf
     */
    public record CpuTimes(long userNanos, long systemNanos) {
        /** @return user plus system nanoseconds */
        public long totalNanos() {
            return userNanos + systemNanos;
        }
    }

    /**
     * Resident set size of a process, as {@code VmRSS} in {@code /proc/PID/status}.
     *
     * @return bytes of the process's memory currently in RAM
     * @throws IllegalStateException if the process does not exist (any more), or is a zombie without memory
     */
    public static long rssBytes(long pid) {
        for (String line : read(pid, "status").split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                if (parts.length != 2 || !parts[1].equals("kB")) {
                    throw new IllegalStateException("unexpected VmRSS line in /proc/" + pid + "/status: " + line);
                }
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        throw new IllegalStateException("process " + pid + " has no VmRSS in /proc/" + pid
                + "/status: it is a zombie or a kernel thread");
    }

    /**
     * @return the CPU's marketing name, e.g. {@code Intel(R) Xeon(R) Processor @ 2.50GHz}, from
     *         {@code /proc/cpuinfo}; the architecture name where the kernel gives none (some ARM machines)
     */
    public static String cpuModel() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
        return cpuInfoValue(lines, "model name")
                .or(() -> cpuInfoValue(lines, "Hardware"))
                .orElse(System.getProperty("os.arch"));
    }

    /** @return the running kernel's release, e.g. {@code 6.18.44}, as {@code uname -r} prints it */
    public static String kernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    /**
     * The CPUs a process's main thread may run on, as the kernel prints them ({@code Cpus_allowed_list} in
     * {@code /proc/PID/status}, e.g. {@code 0} or {@code 0-1}): what pinning actually did, whatever was asked.
     *
     * @throws IllegalStateException if the process does not exist (any more) or the line is missing
     */
    public static String allowedCpus(long pid) {
        return allowedCpus(read(pid, "status"), "/proc/" + pid + "/status");
    }

    /**
     * @return whether every thread of {@code pid} may run on exactly the CPUs of {@code cpus} (a {@code taskset -c}
     *         list): a pinning that took effect; false when a thread's mask differs or the process is gone
     */
    public static boolean pinnedTo(long pid, String cpus) {
        BitSet wanted = cpuSet(cpus);
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            boolean any = false;
            for (Path task : threads) {
                String status;
                try {
                    status = Files.readString(task.resolve("status"));
                } catch (NoSuchFileException exited) {
                    continue;
                }
                if (!cpuSet(allowedCpus(status, task.toString())).equals(wanted)) {
                    return false;
                }
                any = true;
            }
            return any;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * @param list a CPU list as {@code taskset -c} takes it and the kernel prints it: {@code 1}, {@code 0-3,6}
     * @return the CPUs it names
     * @throws IllegalArgumentException if it is not such a list
     */
    public static BitSet cpuSet(String list) {
        BitSet cpus = new BitSet();
        for (String part : list.strip().split(",")) {
            String[] range = part.split("-");
            try {
                int from = Integer.parseInt(range[0]);
                int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                if (range.length > 2 || from < 0 || to < from) {
                    throw new NumberFormatException();
                }
                cpus.set(from, to + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("CPU list: " + list + " (expected e.g. 1, 0-1 or 0,2-3)");
            }
        }
        return cpus;
    }

    private static String allowedCpus(String status, String where) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring("Cpus_allowed_list:".length()).strip();
            }
        }
        throw new IllegalStateException("no Cpus_allowed_list in " + where);
    }

    /** User and system times from one {@code /proc/PID/stat} line. */
    static CpuTimes cpuTimes(String stat) {
        String[] fields = statFields(stat);
        return new CpuTimes(Long.parseLong(fields[UTIME]) * NANOS_PER_TICK,
                Long.parseLong(fields[STIME]) * NANOS_PER_TICK);
    }

    /** The fields of one {@code /proc/PID/stat} line after the command name, field 3 (the state) first. */
    private static String[] statFields(String stat) {
        // The command name (field 2) is in parentheses and may itself contain spaces and parentheses; the last ')'
        // ends it.
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalStateException("unexpected /proc/PID/stat content: " + stat);
        }
        String[] fields = stat.substring(end + 1).trim().split(" ");
        if (fields.length <= STIME) {
            throw new IllegalStateException("unexpected /proc/PID/stat content: " + stat);
        }
        return fields;
    }

    private static Optional<String> cpuInfoValue(List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(
                    key.toLowerCase(Locale.ROOT))) {
                String value = line.substring(colon + 1).trim();
                if (!value.isEmpty()) {
                    return Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    private static String read(long pid, String file) {
        Path path = Path.of("/proc", Long.toString(pid), file);
        try {
            return Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("process " + pid + " does not exist (any more)", e);
        } catch (IOException e) {
            // A process reaped between the open and the read fails the read with ESRCH ("No such process").
            if (Files.notExists(path.getParent())) {
                throw new IllegalStateException("process " + pid + " does not exist (any more)", e);
            }
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
