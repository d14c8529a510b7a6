package dev.ix.bench.peer;

import java.util.List;
import java.util.Optional;

/**
 * A Java peer that speaks another protocol than HTTP: named, started, pinned and announced exactly as the
 * {@link JavaPeer} it wraps (same JVM, heap, GC and {@code --host --port --threads}); a subclass says what it speaks,
 * how to probe it and whether it counts allocations. One place for the delegation, so that a method added to
 * {@link Peer} reaches every such peer.
 */
abstract class ProtocolJavaPeer implements Peer {

    private final JavaPeer server;

    /** @param server the Java program and how to tell it serves; its HTTP-specific behaviour is not used */
    ProtocolJavaPeer(JavaPeer server) {
        this.server = server;
    }

    @Override
    public final String name() {
        return server.name();
    }

    @Override
    public final Optional<String> unavailable() {
        return server.unavailable();
    }

    @Override
    public final List<String> command(PeerConfig config) {
        return server.command(config);
    }

    @Override
    public final boolean runsOnJvm() {
        return server.runsOnJvm();
    }

    @Override
    public final Optional<String> servingBanner() {
        return server.servingBanner();
    }

    @Override
    public final String toString() {
        return server.name();
    }
}
