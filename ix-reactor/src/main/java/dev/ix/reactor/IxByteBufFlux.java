package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The buffers of {@link IxInbound#receive()}, with Reactor Netty's {@code ByteBufFlux} conveniences. Each buffer is
 * released after {@code onNext} unless {@link #retain() retained} (see {@link IxInbound}).
 */
public final class IxByteBufFlux extends FluxOperator<ByteBuf, ByteBuf> {

    IxByteBufFlux(Flux<? extends ByteBuf> source) {
        super(source);
    }

    @Override
    public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
        source.subscribe(actual);
    }

    /**
     * @return the same buffers, each retained once before the subscriber gets it: the subscriber owns it and must
     *         release it (or pass it on to {@link IxOutbound#send}, which does)
     */
    public IxByteBufFlux retain() {
        return new IxByteBufFlux(source.doOnNext(ByteBuf::retain));
    }

    /** @return each buffer decoded as UTF-8 (a buffer may end inside a character: decode the bytes yourself then) */
    public Flux<String> asString() {
        return asString(StandardCharsets.UTF_8);
    }

    /** @return each buffer decoded with {@code charset} */
    public Flux<String> asString(Charset charset) {
        return source.map(b -> b.toString(charset));
    }

    /** @return each buffer's bytes, copied */
    public Flux<byte[]> asByteArray() {
        return source.map(ByteBufUtil::getBytes);
    }
}
