package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.DefaultFileRegion;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * An {@link IxOutbound}: the sends chained so far, as one Mono run when the outbound is subscribed. Immutable.
 */
final class OutboundChain implements IxOutbound {
    private final ChannelConnection connection;
    /** The chain's work so far; null for a connection's first, empty outbound. */
    private final Mono<Void> chain;

    OutboundChain(ChannelConnection connection, Mono<Void> chain) {
        this.connection = connection;
        this.chain = chain;
    }

    @Override
    public ByteBufAllocator alloc() {
        return connection.channel().alloc();
    }

    @Override
    public IxOutbound send(Publisher<? extends ByteBuf> data) {
        return then(new SendMono(connection, data));
    }

    @Override
    public IxOutbound sendString(Publisher<? extends CharSequence> data, Charset charset) {
        ByteBufAllocator alloc = alloc();
        return send(Flux.from(data).map(s -> encode(alloc, s, charset)));
    }

    private static ByteBuf encode(ByteBufAllocator alloc, CharSequence s, Charset charset) {
        if (charset.equals(StandardCharsets.UTF_8)) {
            return ByteBufUtil.writeUtf8(alloc, s);
        }
        if (charset.equals(StandardCharsets.US_ASCII) || charset.equals(StandardCharsets.ISO_8859_1)) {
            return ByteBufUtil.writeAscii(alloc, s);
        }
        return ByteBufUtil.encodeString(alloc, CharBuffer.wrap(s), charset);
    }

    @Override
    public IxOutbound sendFile(Path file, long position, long count) {
        // Built from a File, a region is spliced by ix (no user-space copy); opened when written.
        return then(new SendMono(connection, Mono.fromCallable(() -> {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new NoSuchFileException(file.toString(), null, "not a readable regular file");
            }
            return new DefaultFileRegion(file.toFile(), position, count);
        })));
    }

    @Override
    public IxOutbound then(Publisher<Void> other) {
        Mono<Void> next = Mono.fromDirect(other);
        return new OutboundChain(connection, chain == null ? next : chain.then(next));
    }

    @Override
    public Mono<Void> then() {
        return chain == null ? Mono.empty() : chain;
    }

    @Override
    public IxOutbound withConnection(Consumer<? super IxConnection> action) {
        action.accept(connection);
        return this;
    }
}
