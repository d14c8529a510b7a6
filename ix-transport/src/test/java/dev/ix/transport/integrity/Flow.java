package dev.ix.transport.integrity;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Which way a checked stream goes and how its sender ends it. Every connection starts with a {@link Header} the
 * client sends; the server reads it and plays its part.
 *
 * <pre>
 *   flow                  data            the sender ends with                                  contract
 *   ECHO_HALF_CLOSE       client→server   client: shutdownOutput once its last write succeeded;         (e)
 *                         →client         server: echoes, closes on the client's FIN (default options)
 *   PUSH_CLOSE_NOW        server→client   writeAndFlush(last); close() — no waiting                     (a)(d)
 *   PUSH_CLOSE_LISTENER   server→client   writeAndFlush(last).addListener(CLOSE)                        (b)(c)
 *   PUSH_SHUTDOWN_OUTPUT  server→client   writeAndFlush(last); shutdownOutput() — no waiting            (f)
 *   UPLOAD_CLOSE_NOW      client→server   writeAndFlush(last); close() — no waiting                     (a)(d)
 *   UPLOAD_CLOSE_LISTENER client→server   writeAndFlush(last).addListener(CLOSE)                        (b)(c)
 * </pre>
 *
 * The receiver reads to end of stream; with default options the end closes its channel. What each flow must deliver
 * is {@link Variant#expectsWhole}.
 */
enum Flow {
    ECHO_HALF_CLOSE(Ending.HALF_CLOSE_AFTER_LAST_WRITE),
    PUSH_CLOSE_NOW(Ending.CLOSE_NOW),
    PUSH_CLOSE_LISTENER(Ending.CLOSE_LISTENER),
    PUSH_SHUTDOWN_OUTPUT(Ending.SHUTDOWN_OUTPUT_NOW),
    UPLOAD_CLOSE_NOW(Ending.CLOSE_NOW),
    UPLOAD_CLOSE_LISTENER(Ending.CLOSE_LISTENER);

    private static final Flow[] VALUES = values();

    private final Ending ending;

    Flow(Ending ending) {
        this.ending = ending;
    }

    Ending ending() {
        return ending;
    }

    /** @return true when the server sends the stream, false when the client does (echo: both) */
    boolean serverSends() {
        return this != UPLOAD_CLOSE_NOW && this != UPLOAD_CLOSE_LISTENER;
    }

    /** @return true when the client receives the stream and checks it; otherwise the server checks it */
    boolean clientChecks() {
        return serverSends();
    }

    /**
     * @return whether the sender ends without waiting for its writes (close or shutdownOutput right after the last
     *         flush): it gives up what the kernel did not take yet, on Netty epoll too (its flush writes what the
     *         socket takes, its close fails the rest; with 32 streams on two loops, epoll↔epoll loses the tail of
     *         about a third of them even when the last chunk is 4 KiB and every earlier write has completed)
     */
    boolean endsWithoutWaiting() {
        return ending == Ending.CLOSE_NOW || ending == Ending.SHUTDOWN_OUTPUT_NOW;
    }

    /** @return the source of the stream {@code header} describes, as its sender cuts it */
    static StreamSource source(Header header) {
        return new StreamSource(header.seed(), header.length());
    }

    /** How a sender ends its stream. */
    enum Ending {
        HALF_CLOSE_AFTER_LAST_WRITE, CLOSE_NOW, CLOSE_LISTENER, SHUTDOWN_OUTPUT_NOW
    }

    /**
     * The first {@value #SIZE} bytes of every connection: flow (1), stream id (4), seed (8), length (8).
     *
     * @param flow   the flow
     * @param id     the stream's index in its run
     * @param seed   the stream's seed ({@link StreamSource})
     * @param length the stream's length in bytes
     */
    record Header(Flow flow, int id, long seed, long length) {
        static final int SIZE = 21;

        ByteBuf encode(ByteBufAllocator alloc) {
            return alloc.directBuffer(SIZE).writeByte(flow.ordinal()).writeInt(id).writeLong(seed).writeLong(length);
        }

        /** Reads a header from {@code buf}, which has at least {@value #SIZE} readable bytes. */
        static Header decode(ByteBuf buf) {
            int flow = buf.readUnsignedByte();
            if (flow >= VALUES.length) {
                throw new IllegalArgumentException("flow: " + flow + " (expected: 0.." + (VALUES.length - 1) + ")");
            }
            return new Header(VALUES[flow], buf.readInt(), buf.readLong(), buf.readLong());
        }
    }
}
