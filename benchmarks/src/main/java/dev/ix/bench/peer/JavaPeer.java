package dev.ix.bench.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A peer that is a Java program on the harness's own classpath: the samples' {@code HelloServer} on one of the
 * Netty transports, or {@link ReactorNettyServer}. Its availability is checked in the harness JVM, which loads the
 * same native libraries from the same classpath.
 */
final class JavaPeer implements Peer {

    private final String name;
    private final String mainClass;
    private final List<String> args;
    private final String banner;
    private final Supplier<Optional<String>> availability;
    private volatile Optional<String> unavailable;

    /**
     * @param args         arguments before the standard {@code --host --port --threads}
     * @param banner       text the server logs once it serves, or {@code null}
     * @param availability why the peer cannot run here, asked once
     */
    JavaPeer(String name, String mainClass, List<String> args, String banner,
             Supplier<Optional<String>> availability) {
        this.name = name;
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.banner = banner;
        this.availability = availability;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<String> unavailable() {
        Optional<String> result = unavailable;
        if (result == null) {
            result = availability.get();
            unavailable = result;
        }
        return result;
    }

    @Override
    public List<String> command(PeerConfig config) {
        List<String> all = new ArrayList<>(args);
        all.addAll(JavaCommand.serverArgs(config));
        return JavaCommand.of(config, mainClass, all);
    }

    @Override
    public boolean countsAllocations() {
        return true;
    }

    @Override
    public boolean runsOnJvm() {
        return true;
    }

    @Override
    public Optional<String> servingBanner() {
        return Optional.ofNullable(banner);
    }

    @Override
    public String toString() {
        return name;
    }
}
