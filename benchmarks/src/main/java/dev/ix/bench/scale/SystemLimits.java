package dev.ix.bench.scale;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The limits that decide how many connections one machine can hold, read from {@code /proc}: each process's
 * open-file limit and the kernel's settings. Checked before a run so that it fails at once with the fix, not after
 * minutes with a count of {@code EMFILE}s. Stateless and thread-safe.
 */
final class SystemLimits {

    /** File descriptors a JVM needs besides its connections: jars, the epoll or io_uring descriptors, logs. */
    static final int SPARE_FILES = 1024;

    /** The kernel settings worth printing with a run, as {@code sysctl} names them. */
    static final List<String> SETTINGS = List.of("fs.nr_open", "fs.file-max", "net.core.somaxconn",
            "net.ipv4.tcp_max_syn_backlog", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_tw_reuse",
            "net.netfilter.nf_conntrack_max");

    private SystemLimits() {
    }

    /** @return the soft {@code RLIMIT_NOFILE} of process {@code pid}, or empty if {@code /proc} does not say */
    static OptionalLong openFiles(long pid) {
        try {
            return openFiles(readProc(Path.of("/proc", Long.toString(pid), "limits")));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Reads a {@code /proc} file whole. Not with {@link Files#readString}: for a file whose size reads as 0 it reads
     * one byte first, and a sysctl file answers a read from any offset but 0 with end-of-file, so
     * {@code ip_local_port_range} would read as {@code "3"}.
     */
    static String readProc(Path file) throws IOException {
        try (InputStream in = new FileInputStream(file.toFile())) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /**
     * @param limits the content of {@code /proc/PID/limits}
     * @return its soft limit of open files ({@link Long#MAX_VALUE} for unlimited), or empty if it has none
     */
    static OptionalLong openFiles(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                if (fields.length >= 1) {
                    return fields[0].equals("unlimited") ? OptionalLong.of(Long.MAX_VALUE)
                            : OptionalLong.of(Long.parseLong(fields[0]));
                }
            }
        }
        return OptionalLong.empty();
    }

    /** @return the value of a kernel setting, e.g. {@code sysctl("net.core.somaxconn")}, or empty if it has none */
    static Optional<String> sysctl(String name) {
        try {
            return Optional.of(readProc(Path.of("/proc/sys", name.replace('.', '/'))).strip()
                    .replaceAll("\\s+", " "));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** @return the {@link #SETTINGS} as {@code name=value}, space-separated; absent ones left out */
    static String settings() {
        List<String> values = new ArrayList<>();
        for (String name : SETTINGS) {
            sysctl(name).ifPresent(v -> values.add(name + "=" + v.replace(' ', '-')));
        }
        return String.join(" ", values);
    }

    /**
     * Whether one process may hold {@code connections} connections: the client holds one end of each, the server the
     * other, and both inherit this process's limit.
     *
     * @param connections the connections of a step (idle and active)
     * @param files       the soft open-file limit, if known
     * @return why not, with the fix; empty when it may (or the limit is unknown)
     */
    static Optional<String> tooFewFiles(int connections, OptionalLong files) {
        long needed = (long) connections + SPARE_FILES;
        if (files.isEmpty() || files.getAsLong() >= needed) {
            return Optional.empty();
        }
        return Optional.of("open-file limit " + files.getAsLong() + " < " + needed + " needed for " + connections
                + " connections: raise it (ulimit -n " + Math.max(needed, 1 << 20) + "; above the hard limit that"
                + " takes root with CAP_SYS_RESOURCE), or run benchmarks/connection-scale.sh, which does");
    }

    /**
     * What in the kernel's settings stops this machine from holding {@code connections} client and as many server
     * connections at once.
     *
     * @param connections the most connections a step holds (idle and active)
     * @param sysctl      the kernel settings, as {@link #sysctl(String)} reads them
     * @return one line per problem, with its fix; empty when none is found
     */
    static List<String> problems(int connections, Function<String, Optional<String>> sysctl) {
        List<String> problems = new ArrayList<>();
        long bothEnds = 2L * connections + 2L * SPARE_FILES;
        number(sysctl.apply("fs.file-max")).filter(max -> max < bothEnds).ifPresent(max -> problems.add(
                "fs.file-max " + max + " < " + bothEnds + " (both ends of every connection are on this machine):"
                        + " sysctl -w fs.file-max=" + Math.max(bothEnds, 2_097_152)));
        number(sysctl.apply("net.netfilter.nf_conntrack_max")).filter(max -> max < connections + SPARE_FILES)
                .ifPresent(max -> problems.add("net.netfilter.nf_conntrack_max " + max + " < " + connections
                        + " connections: the kernel would drop SYNs; sysctl -w net.netfilter.nf_conntrack_max="
                        + Math.max(2L * connections, 262_144)));
        return problems;
    }

    private static Optional<Long> number(Optional<String> value) {
        try {
            return value.map(v -> Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
