package dev.ix.reactor;

import java.util.function.Consumer;

/**
 * What a connection receives, as a {@code Flux} whose demand drives the socket: ix asks the kernel for more data only
 * while the subscriber has requested more. With no demand the receive is not re-armed, the socket's receive window
 * fills and the peer's sends slow down: IX's flow control, end to end.
 *
 * <h2>Who releases a buffer</h2>
 * Every {@link ByteBuf} of {@link #receive()} is released by ix right after the subscriber's {@code onNext} returns,
 * as in Reactor Netty. To keep one beyond that (to send it on, to hand it to another thread, to collect several),
 * {@code retain()} it inside {@code onNext} — e.g. {@code receive().retain()} — and release it when done. Buffers are
 * zero-copy views on the loop's receive pool: a retained buffer holds a receive slot, so keep few and not for long.
 * Buffers received but not yet delivered (no demand, or the subscriber cancelled) are released by ix.
 *
 * <h2>Threading</h2>
 * Every signal reaches the subscriber on the connection's loop thread. {@code request} and {@code cancel} may come
 * from any thread (they hop to the loop).
 */
public interface IxInbound {

    /**
     * @return the bytes received, in order; it completes when the peer shuts its output down (FIN), and errors when
     *         the connection fails (e.g. reset) or closes before the peer's FIN (then what was received and not yet
     *         delivered is released). One subscriber only: a second one gets an
     *         {@link IllegalStateException}.
     */
    IxByteBufFlux receive();

    /**
     * Calls {@code action} with the connection (e.g. to read its addresses, or add a Netty handler before ix's).
     *
     * @return this
     */
    IxInbound withConnection(Consumer<? super IxConnection> action);
}
