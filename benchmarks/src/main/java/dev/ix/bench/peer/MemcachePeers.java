package dev.ix.bench.peer;

import dev.ix.bench.load.LoadProtocol;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the memcached-protocol peers share: their readiness probe, and {@code kv}, the samples' memcached-compatible
 * server on ix, adapted from a {@link JavaPeer}.
 */
final class MemcachePeers {

    /** The samples' memcached-compatible server; looked up by name, since the harness may be built without it. */
    static final String KV_MAIN = "dev.ix.samples.kv.KvServer";

    private MemcachePeers() {
    }

    /** @return empty when {@code version} is answered, else what went wrong */
    static Optional<String> notServing(String host, int port, Duration timeout) {
        try {
            MemcacheProbe.version(host, port, timeout);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("version failed: " + e.getMessage());
        }
    }

    /**
     * @param availability why ix cannot run here, asked after the class is found
     * @return {@code kv}: {@value #KV_MAIN} with {@code -m} {@value MemcachedPeer#MEMORY_MB}, started like the other
     *         Java peers; unavailable when this classpath lacks it
     */
    static Peer kv(Supplier<Optional<String>> availability) {
        return new Kv(new JavaPeer("kv", KV_MAIN, List.of("-m", Integer.toString(MemcachedPeer.MEMORY_MB)),
                "kv listening on ", () -> built(KV_MAIN).or(availability)));
    }

    /** @return empty when {@code mainClass} is on this JVM's classpath, else that it is not built */
    static Optional<String> built(String mainClass) {
        try {
            Class.forName(mainClass, false, MemcachePeers.class.getClassLoader());
            return Optional.empty();
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of(mainClass + " not built");
        }
    }

    /** A Java peer speaking memcached's text protocol, ready once {@code version} is answered. */
    private static final class Kv extends ProtocolJavaPeer {
        Kv(JavaPeer server) {
            super(server);
        }

        @Override
        public LoadProtocol protocol() {
            return LoadProtocol.MEMCACHE;
        }

        /** kv's {@code stats} names {@code jvm_allocated_bytes}. */
        @Override
        public boolean countsAllocations() {
            return true;
        }

        @Override
        public Optional<String> notServing(String host, int port, Duration timeout) {
            return MemcachePeers.notServing(host, port, timeout);
        }
    }
}
