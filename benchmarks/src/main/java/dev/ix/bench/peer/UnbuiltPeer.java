package dev.ix.bench.peer;

import java.util.List;
import java.util.Optional;

/** A peer that is planned but not built yet: listed, so that asking for it says why it does not run. */
record UnbuiltPeer(String name, String reason) implements Peer {

    @Override
    public Optional<String> unavailable() {
        return Optional.of(reason);
    }

    @Override
    public List<String> command(PeerConfig config) {
        throw new IllegalStateException(name + " cannot run: " + reason);
    }

    @Override
    public boolean countsAllocations() {
        return false;
    }
}
