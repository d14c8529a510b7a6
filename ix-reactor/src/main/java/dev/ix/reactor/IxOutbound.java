package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a connection sends. Each {@code send*} returns a new outbound that sends after everything before it; nothing
 * is sent until the outbound (a {@code Publisher<Void>}) is subscribed, which the server does with what the handler
 * returns: {@code (in, out) -> out.sendString(Mono.just("hello")).then(...)}.
 *
 * <h2>How data leaves</h2>
 * Buffers are written on the connection's loop and flushed once per loop turn: a response produced while a request
 * is handled leaves in the same turn, together with the other connections' responses, in one
 * {@code io_uring_enter}. A send asks its publisher for more only while the channel is writable (Netty's write
 * buffer water marks), so a slow peer slows the publisher instead of filling memory. A send completes when the
 * kernel has taken all its data, and errors when the connection fails or the publisher does.
 *
 * <h2>Who releases a buffer</h2>
 * A {@link ByteBuf} emitted to {@link #send} belongs to ix from then on: it is released once sent, or when the send
 * is cancelled or fails. Do not touch it after emitting it.
 *
 * <h2>Threading</h2>
 * Any thread may subscribe and emit; writes hop to the connection's loop and keep the publisher's order.
 */
public interface IxOutbound extends Publisher<Void> {

    /** @return the allocator of the connection, for the buffers to send */
    ByteBufAllocator alloc();

    /**
     * @param data the buffers to send, in order; each is owned by ix once emitted
     * @return an outbound that sends {@code data} after what this one sends
     */
    IxOutbound send(Publisher<? extends ByteBuf> data);

    /** @return {@link #sendString(Publisher, Charset)} in UTF-8 */
    default IxOutbound sendString(Publisher<? extends CharSequence> data) {
        return sendString(data, StandardCharsets.UTF_8);
    }

    /**
     * @param data    the strings to send, each encoded into one buffer of {@link #alloc()}
     * @param charset their encoding
     * @return an outbound that sends them after what this one sends
     */
    IxOutbound sendString(Publisher<? extends CharSequence> data, Charset charset);

    /**
     * Sends a whole file without copying it through user space (a Netty {@code DefaultFileRegion}, which ix splices).
     *
     * @param file a regular file
     * @return an outbound that sends it after what this one sends
     * @throws UncheckedIOException when its size cannot be read
     */
    default IxOutbound sendFile(Path file) {
        try {
            return sendFile(file, 0, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param file     a regular file
     * @param position the first byte to send
     * @param count    how many bytes to send
     * @return an outbound that sends that region after what this one sends
     */
    IxOutbound sendFile(Path file, long position, long count);

    /**
     * @param other what to wait for after this outbound's sends
     * @return an outbound that completes after this one and then {@code other}
     */
    IxOutbound then(Publisher<Void> other);

    /** @return a Mono that runs this outbound's sends and completes when the last one has */
    Mono<Void> then();

    /**
     * Calls {@code action} with the connection.
     *
     * @return this
     */
    IxOutbound withConnection(Consumer<? super IxConnection> action);

    @Override
    default void subscribe(Subscriber<? super Void> s) {
        then().subscribe(s);
    }
}
