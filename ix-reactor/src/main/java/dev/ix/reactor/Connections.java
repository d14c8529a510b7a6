package dev.ix.reactor;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import org.reactivestreams.Publisher;

import java.util.function.BiFunction;
import java.util.function.Consumer;

/** Sets up an ix-reactor connection's channel, for servers and clients alike. */
final class Connections {
    private Connections() {
    }

    /**
     * Turns demand-driven reading on and adds the {@link ConnectionHandler}. On the channel's loop, before it is
     * active.
     *
     * @return the connection
     */
    static ChannelConnection init(Channel ch,
                                  BiFunction<? super IxInbound, ? super IxOutbound, ? extends Publisher<Void>> handler,
                                  Consumer<? super IxConnection> before) {
        ch.config().setAutoRead(false);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelConnection connection = new ChannelConnection(ch);
        ch.pipeline().addLast(new ConnectionHandler(connection, handler));
        if (before != null) {
            before.accept(connection);
        }
        return connection;
    }
}
