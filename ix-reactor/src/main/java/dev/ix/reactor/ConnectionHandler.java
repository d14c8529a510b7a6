package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;

import java.io.IOException;
import java.util.function.BiFunction;

/**
 * The last handler of an ix-reactor connection's pipeline: feeds the {@link InboundReceiver}, tells waiting sends
 * when the channel is writable again, flushes once per turn, and runs the user's handler: called when the
 * connection becomes active, its {@code Publisher<Void>} subscribed on the loop, the connection closed when it
 * completes (after the sends it waited for were taken by the kernel) or errors (logged). When the connection closes
 * first, the handler's subscription is cancelled.
 */
final class ConnectionHandler extends ChannelDuplexHandler implements CoreSubscriber<Void> {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(ConnectionHandler.class);

    private final BiFunction<? super IxInbound, ? super IxOutbound, ? extends Publisher<Void>> handler;
    private final ChannelConnection connection;
    private Subscription handling;
    private boolean handled;

    /**
     * @param connection the connection this handler serves
     * @param handler    the user's handler, or null when the connection is driven from outside (a client without
     *                   {@code handle}): then only closing ends it
     */
    ConnectionHandler(ChannelConnection connection,
                      BiFunction<? super IxInbound, ? super IxOutbound, ? extends Publisher<Void>> handler) {
        this.connection = connection;
        this.handler = handler;
    }

    ChannelConnection connection() {
        return connection;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        if (handler == null) {
            return;
        }
        Publisher<Void> work;
        try {
            work = handler.apply(connection, connection.outbound());
        } catch (RuntimeException e) {
            logger.warn("{}: the handler threw; closing", connection, e);
            ctx.close();
            return;
        }
        if (work == null) {
            logger.warn("{}: the handler returned null (expected: a Publisher<Void>, e.g. Mono.never() to keep the "
                    + "connection open); closing", connection);
            ctx.close();
            return;
        }
        work.subscribe(this);
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.validate(handling, s)) {
            handling = s;
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(Void unused) {
    }

    @Override
    public void onComplete() {
        finishHandling();
    }

    @Override
    public void onError(Throwable t) {
        if (connection.channel().isActive() && !(t instanceof IOException)) {
            logger.warn("{}: the handler failed; closing", connection, t);
        } else {
            // The peer reset or closed: the connection's end, not a bug of the server.
            logger.debug("{}: the handler failed on a closed or failed connection", connection, t);
        }
        finishHandling();
    }

    private void finishHandling() {
        if (connection.channel().eventLoop().inEventLoop()) {
            closeAfterHandling();
            return;
        }
        if (!LoopTasks.tryExecute(connection.channel().eventLoop(), this::closeAfterHandling)) {
            logger.debug("{}: the handler ended after its loop shut down (the connection closed with it)", connection);
        }
    }

    private void closeAfterHandling() {
        handled = true;
        connection.channel().flush();
        connection.channel().close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.flush().readStarted();
        if (msg instanceof ByteBuf buf) {
            connection.receiver().onRead(buf);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.receiver().onReadComplete();
        connection.flush().readCompleted();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            connection.receiver().onEnd(null);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            connection.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.receiver().onEnd(cause);
        logger.debug("{}: closing after an exception", connection, cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The handler is cancelled first: a close it did not ask for must not look to it like a clean end of input.
        Subscription s = handling;
        if (s != null && !handled) {
            handled = true;
            s.cancel();
        }
        connection.receiver().onClosed();
        connection.writable(); // waiting sends find the channel closed and fail
        ctx.fireChannelInactive();
    }
}
