package dev.ix.bench.load;

import io.netty.channel.epoll.Epoll;
import java.util.Locale;

/** The Netty transport the built-in load generator runs on. */
public enum LoadTransport {
    /** ix: io_uring through FFM, one submission per loop turn for all connections' sends */
    IX,
    /** Netty's epoll transport */
    EPOLL,
    /** Netty's NIO transport, available everywhere */
    NIO;

    /**
     * The default generator transport: epoll where it runs, else NIO; never ix. A generator on ix loading an ix server
     * falls into lock-step batches with it (each side's one submission per turn answers the other's), which makes ix
     * look better against every other server than a neutral client (wrk, epoll) would: the transport under test must
     * not also make the load. {@code --transport ix} still asks for it, and the reports say so.
     *
     * @return epoll when it can run here, else NIO
     */
    public static LoadTransport neutral() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** @return the name as the command lines take it: {@code ix}, {@code epoll}, {@code nio} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name {@code ix}, {@code epoll} or {@code nio}, any case
     * @throws IllegalArgumentException for any other name; the message lists the allowed ones
     */
    public static LoadTransport parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ix" -> IX;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException(name + " (expected: ix, epoll or nio)");
        };
    }
}
