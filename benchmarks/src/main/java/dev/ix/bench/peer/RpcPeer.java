package dev.ix.bench.peer;

import dev.ix.bench.load.LoadProtocol;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A Java peer that serves ix RPC frames instead of HTTP: started like the HTTP Java peers (same JVM, heap, GC,
 * pinning and {@code --host --port --threads}), ready once one RPC call is echoed. Its allocation counter is a call
 * too: a request carrying {@code AllocationCounter.RPC_QUERY} is answered with the bytes its JVM has allocated.
 */
final class RpcPeer extends ProtocolJavaPeer {

    RpcPeer(JavaPeer server) {
        super(server);
    }

    @Override
    public LoadProtocol protocol() {
        return LoadProtocol.RPC;
    }

    @Override
    public boolean countsAllocations() {
        return true;
    }

    @Override
    public Optional<String> notServing(String host, int port, Duration timeout) {
        try {
            RpcProbe.echo(host, port, timeout);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("an RPC echo call failed: " + e.getMessage());
        }
    }
}
