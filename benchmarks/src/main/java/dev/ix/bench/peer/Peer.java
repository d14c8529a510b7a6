package dev.ix.bench.peer;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A server the harness benchmarks side by side with the others: a process started from a command line, serving
 * {@code GET /plaintext} and {@code GET /json} on the host and port it is given. Implementations are immutable and
 * thread-safe; {@link Peers} has them all.
 */
public interface Peer {

    /** @return the name the harness and its reports use, e.g. {@code netty-epoll} */
    String name();

    /**
     * Whether the peer can run on this machine at all. May probe the machine (a native library, a binary on
     * {@code PATH}) the first time; cheap after that.
     *
     * @return empty when it can run; otherwise why not, with what would fix it
     */
    Optional<String> unavailable();

    /**
     * Whether the peer can run with this configuration, for peers that support only some (nginx serves with one
     * process only).
     *
     * @return empty when it can; otherwise why not
     */
    default Optional<String> unsupported(PeerConfig config) {
        return Optional.empty();
    }

    /**
     * The command that runs the peer in the foreground until it is signalled, pinned with {@code taskset} when
     * {@link PeerConfig#cpus()} is set. Its process is the server itself (every wrapper in the command execs), so its
     * pid is the one to measure. May write files the command needs (a configuration) into
     * {@link PeerConfig#workDir()}.
     *
     * @throws IOException              if such a file cannot be written
     * @throws IllegalArgumentException if {@link #unsupported(PeerConfig)} says so
     */
    List<String> command(PeerConfig config) throws IOException;

    /** @return whether the peer answers {@code GET /stats/allocated-bytes} with its JVM's allocated bytes */
    boolean countsAllocations();

    /**
     * @return text the peer prints to its log once it serves, proving it runs what its name says (a Java sample falls
     *         back from ix to epoll when ix cannot run), or empty when there is nothing to check
     */
    default Optional<String> servingBanner() {
        return Optional.empty();
    }
}
