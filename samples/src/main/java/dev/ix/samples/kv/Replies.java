package dev.ix.samples.kv;

import dev.ix.reactor.GatheringWriter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Gathers a connection's answers of one loop turn into one buffer ({@link GatheringWriter}, as ix-http and the RPC
 * server do), written to the pipeline before the turn's flush: many pipelined answers leave as one outbound entry and
 * one iovec, and a busy connection gathers turn after turn into the buffer the transport has finished sending, so a
 * turn takes no new buffer. Answers past {@value #WRITE_OUT_AT} bytes are written out between commands, so what waits
 * stays bounded.
 *
 * <p>Whole buffers leave, never slices of one: a slice of a buffer that Netty's leak detector sampled when it was
 * allocated (one in 128 at its default level) is tracked too, with a stack trace when it is made and another when it
 * is released; a connection whose long-lived buffer was sampled took two stack traces per turn (kv's ETC load at
 * 100 000 requests/s: 13 to 61 bytes allocated per request, by which connections drew a sampled buffer). Loop thread
 * only.
 */
final class Replies {
    /** Room every {@link #out()} leaves at least: an answer's lines, without the value, fit in it. */
    static final int ROOM = 2048;
    static final int WRITE_OUT_AT = 64 * 1024;

    private final GatheringWriter writer;
    /** The current command said {@code noreply}: its answer (even an error) is not sent, as memcached does. */
    boolean noreply;

    Replies(ChannelHandlerContext ctx) {
        this.writer = new GatheringWriter(ctx);
    }

    /** @return the buffer to append an answer of at most {@value #ROOM} bytes to; do not keep or release it */
    ByteBuf out() {
        return writer.room(ROOM);
    }

    /** @return the buffer to append an answer to, with {@code bytes} (a value) beside its {@value #ROOM} bytes */
    ByteBuf out(int bytes) {
        return writer.room(ROOM + bytes);
    }

    /** Appends a fixed answer (with its CRLF), unless the command said {@code noreply}. */
    void line(byte[] answer) {
        if (!noreply) {
            out().writeBytes(answer);
        }
    }

    /** Where the next answer starts, to {@link #rollBack} to within the same command. */
    long mark() {
        return writer.mark();
    }

    /** Drops what was appended since {@code mark}, within the same command. */
    void rollBack(long mark) {
        writer.rollBack(mark);
    }

    /** Writes the gathered answers out if they passed the bound (called between commands). */
    void writeOutIfLarge() {
        if (writer.gathered() >= WRITE_OUT_AT) {
            writer.writeOut();
        }
    }

    /** Writes the gathered answers to the pipeline, without flushing. */
    void writeOut() {
        writer.writeOut();
    }

    /** Drops what was gathered and not written: the connection closed. */
    void release() {
        writer.release();
    }
}
