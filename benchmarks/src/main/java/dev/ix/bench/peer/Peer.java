package dev.ix.bench.peer;

import dev.ix.bench.load.LoadProtocol;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A server the harness benchmarks side by side with the others: a process started from a command line, serving
 * {@code GET /plaintext} and {@code GET /json} (or, for an {@linkplain #protocol() RPC peer}, echoing RPC calls; for
 * a memcached peer, memcached's text protocol) on the host and port it is given. Implementations are immutable and
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

    /** @return what the peer serves: the generator speaks it, and only peers of one protocol run side by side */
    default LoadProtocol protocol() {
        return LoadProtocol.HTTP;
    }

    /**
     * @return whether the peer answers {@code GET /stats/allocated-bytes} (an RPC peer: a call carrying
     *         {@code AllocationCounter.RPC_QUERY}) with its JVM's allocated bytes
     */
    boolean countsAllocations();

    /**
     * @return whether the peer's process is a HotSpot JVM publishing its performance counters, so that its garbage
     *         collections can be counted ({@link PeerProcess#gcCounts()}); false for nginx
     */
    default boolean runsOnJvm() {
        return false;
    }

    /**
     * @return text the peer prints to its log once it serves, proving it runs what its name says (a Java sample falls
     *         back from ix to epoll when ix cannot run), or empty when there is nothing to check
     */
    default Optional<String> servingBanner() {
        return Optional.empty();
    }

    /**
     * @param log  the peer's log since it was started
     * @param port the port it was given
     * @return whether the log shows it serves as its name says: by default, whether it has the
     *         {@linkplain #servingBanner() banner} (true when there is none)
     */
    default boolean announced(String log, int port) {
        return servingBanner().map(log::contains).orElse(true);
    }

    /**
     * Probes the peer the way its clients use it: by default {@code GET /plaintext} must answer 200.
     *
     * @param timeout how long the probe may take
     * @return empty when it answered as it should, else what went wrong
     */
    default Optional<String> notServing(String host, int port, Duration timeout) {
        try {
            HttpProbe.Response response = HttpProbe.get(host, port, "/plaintext", timeout);
            return response.status() == 200 ? Optional.empty()
                    : Optional.of("GET /plaintext answered " + response.status());
        } catch (IOException e) {
            return Optional.of("GET /plaintext failed: " + e.getMessage());
        }
    }
}
