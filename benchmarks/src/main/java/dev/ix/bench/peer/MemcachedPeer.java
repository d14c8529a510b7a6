package dev.ix.bench.peer;

import dev.ix.bench.load.LoadProtocol;
import dev.ix.bench.measure.Executables;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The real memcached (Debian's {@code /usr/bin/memcached}), the baseline of {@code ./ix bench kv}: as the IX paper
 * ran it, one worker thread per server thread ({@code -t}), 1 GiB of item memory ({@code -m 1024}), UDP off, bound
 * to the harness's address, pinned with {@code taskset}. memcached still runs a few helper threads (its listener and
 * maintenance threads) besides its workers; they are pinned with it and their CPU is counted. It has no allocation
 * counter.
 */
final class MemcachedPeer implements Peer {

    static final String NAME = "memcached";
    /** Item memory in MiB, as {@code ./ix bench kv} gives {@code kv} too. */
    static final int MEMORY_MB = 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unavailable() {
        return executable().isPresent() ? Optional.empty()
                : Optional.of("memcached is not installed: run sudo benchmarks/install-tools.sh (Debian package"
                + " memcached)");
    }

    @Override
    public List<String> command(PeerConfig config) {
        Path memcached = executable().orElseThrow(() -> new IllegalStateException(unavailable().orElseThrow()));
        List<String> command = new ArrayList<>(config.pinning());
        command.addAll(List.of(memcached.toString(), "-t", Integer.toString(config.threads()), "-m",
                Integer.toString(MEMORY_MB), "-U", "0", "-p", Integer.toString(config.port()), "-l",
                bare(config.host())));
        // memcached refuses to start as root unless told which user to run as.
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root"));
        }
        return command;
    }

    @Override
    public LoadProtocol protocol() {
        return LoadProtocol.MEMCACHE;
    }

    @Override
    public boolean countsAllocations() {
        return false;
    }

    @Override
    public Optional<String> notServing(String host, int port, Duration timeout) {
        return MemcachePeers.notServing(host, port, timeout);
    }

    @Override
    public String toString() {
        return NAME;
    }

    /** memcached's {@code -l} takes an IPv6 address without brackets. */
    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static Optional<Path> executable() {
        return Executables.find("memcached");
    }
}
