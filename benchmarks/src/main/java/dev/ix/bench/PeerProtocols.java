package dev.ix.bench;

import dev.ix.bench.load.LoadProtocol;
import dev.ix.bench.peer.Peer;
import java.util.List;
import java.util.Optional;

/**
 * Which peers a test may run: those serving its protocol. An HTTP server cannot answer RPC frames and an RPC server
 * no HTTP request, so a run that mixes them would compare nothing; it is refused before any server starts.
 */
final class PeerProtocols {

    private PeerProtocols() {
    }

    /**
     * @param test      the test's name, for the message
     * @param protocol  what the test speaks
     * @param requested the peers asked for
     * @param known     every peer, to name those that would do
     * @return empty when every requested peer serves {@code protocol}; else a message naming those that do not and
     *         the peers that do
     */
    static Optional<String> mismatch(String test, LoadProtocol protocol, List<Peer> requested, List<Peer> known) {
        List<String> others = requested.stream().filter(p -> p.protocol() != protocol).map(Peer::name).toList();
        if (others.isEmpty()) {
            return Optional.empty();
        }
        List<String> fitting = known.stream().filter(p -> p.protocol() == protocol).map(Peer::name).toList();
        return Optional.of("the " + test + " test speaks " + protocol.label() + ", which " + String.join(", ", others)
                + (others.size() == 1 ? " does" : " do") + " not serve (" + protocol.label() + " peers: "
                + String.join(", ", fitting) + "; the tests: plaintext and json speak http, rpc speaks rpc, kv speaks memcache)");
    }
}
