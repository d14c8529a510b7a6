package dev.ix.bench.peer;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to run one peer.
 *
 * @param host    address to bind, e.g. {@code 127.0.0.1}; a wildcard ({@code 0.0.0.0}, {@code ::}) is reached over
 *                loopback
 * @param port    TCP port to bind, 1..65535 (the harness picks a free one)
 * @param threads server threads (event loops), the same for every peer of a comparison; nginx runs with 1 only
 * @param cpus    CPUs to pin the server to, as {@code taskset -c} takes them ({@code 0}, {@code 0-1}, {@code 0,2}),
 *                or {@code null} to leave it unpinned
 * @param workDir directory for the peer's log ({@code <name>.log}) and any file it needs; created if missing
 */
public record PeerConfig(String host, int port, int threads, String cpus, Path workDir) {

    public PeerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(workDir, "workDir");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        if (cpus != null && !isCpuList(cpus)) {
            throw new IllegalArgumentException("cpus: " + cpus + " (expected: a taskset -c list such as 0, 0-1 or 0,2)");
        }
    }

    /** @return whether {@code cpus} is a CPU list as {@code taskset -c} takes it: {@code 1}, {@code 0-1}, {@code 0,2} */
    public static boolean isCpuList(String cpus) {
        return cpus.matches("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*");
    }

    /** @return the address a client connects to, without brackets: loopback for a wildcard bind */
    String connectHost() {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return switch (bare) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::" -> "::1";
            default -> bare;
        };
    }

    /** @return the words that pin a command to {@link #cpus()}: {@code taskset -c CPUS}, which execs the command */
    List<String> pinning() {
        return cpus == null ? List.of() : List.of("taskset", "-c", cpus);
    }
}
