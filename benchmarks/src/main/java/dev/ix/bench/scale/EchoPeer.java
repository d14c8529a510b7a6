package dev.ix.bench.scale;

import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.PeerConfig;
import dev.ix.bench.peer.Peers;
import dev.ix.samples.EchoServer;
import dev.ix.samples.HelloServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The samples' {@link EchoServer} as a harness peer: the harness's own Java peer for the same transport ({@code ix},
 * {@code netty-epoll}, …), with the same JVM, heap, GC flags and pinning, running {@code EchoServer} instead of
 * {@code HelloServer}. Immutable and thread-safe.
 *
 * <p>It does not serve HTTP: {@link dev.ix.bench.peer.PeerProcess#awaitReady} probes it with an echo
 * ({@link #notServing}) and checks {@link #announced its banner}, port included.
 */
final class EchoPeer implements Peer {

    private final String transport;
    private final Peer hello;

    private EchoPeer(String transport, Peer hello) {
        this.transport = transport;
        this.hello = hello;
    }

    /**
     * @param transport one of {@link ScaleOptions#TRANSPORT_NAMES}
     * @throws IllegalArgumentException if the harness has no Java peer on that transport
     */
    static EchoPeer on(String transport) {
        String peerName = transport.equals("ix") ? "ix" : "netty-" + transport;
        Peer hello = Peers.byName(peerName).orElseThrow(() -> new IllegalArgumentException(
                "transport: " + transport + " (expected: one of " + ScaleOptions.TRANSPORT_NAMES + ")"));
        return new EchoPeer(transport, hello);
    }

    /** @return the transport the server runs on, e.g. {@code ix} */
    String transport() {
        return transport;
    }

    /**
     * @param log  the server's log
     * @param port the port this run of the server was given
     * @return whether the log has the line EchoServer prints once it listens on {@code port} on this transport
     *         (not on a fallback): {@code EchoServer on ix (1 event loop) listening on 127.0.0.1:8007}
     */
    @Override
    public boolean announced(String log, int port) {
        String banner = servingBanner().orElseThrow();
        return log.lines().anyMatch(line -> line.startsWith(banner) && line.contains(" listening on ")
                && line.endsWith(":" + port));
    }

    @Override
    public String name() {
        return "echo-" + transport;
    }

    @Override
    public Optional<String> unavailable() {
        return hello.unavailable();
    }

    @Override
    public Optional<String> unsupported(PeerConfig config) {
        return hello.unsupported(config);
    }

    /** The HelloServer peer's command with EchoServer as the main class. */
    @Override
    public List<String> command(PeerConfig config) throws IOException {
        List<String> command = new ArrayList<>(hello.command(config));
        int main = command.indexOf(HelloServer.class.getName());
        if (main < 0) {
            throw new IllegalStateException("the " + hello.name() + " peer's command does not run "
                    + HelloServer.class.getName() + ": " + String.join(" ", command));
        }
        command.set(main, EchoServer.class.getName());
        return command;
    }

    /** Probes with an echo: {@code ping} must come back. */
    @Override
    public Optional<String> notServing(String host, int port, Duration timeout) {
        byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(ping);
            byte[] back = socket.getInputStream().readNBytes(ping.length);
            return Arrays.equals(ping, back) ? Optional.empty()
                    : Optional.of("it answered " + Arrays.toString(back) + " to ping");
        } catch (IOException e) {
            return Optional.of("echo probe failed: " + e);
        }
    }

    @Override
    public boolean countsAllocations() {
        return false;
    }

    @Override
    public Optional<String> servingBanner() {
        return Optional.of("EchoServer on " + transport + " (");
    }

    @Override
    public String toString() {
        return name();
    }
}
