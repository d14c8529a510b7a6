package dev.ix.reactor;

import io.netty.channel.Channel;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@link IxConnection} of one channel: its receiver, its once-per-turn flush, and the sends waiting for the
 * channel to become writable. Created by {@link ConnectionHandler}; state is the loop thread's.
 */
final class ChannelConnection implements IxConnection, IxInbound {
    private final Channel channel;
    private final InboundReceiver receiver;
    private final IxByteBufFlux receive;
    private final TurnFlush flush;
    private final IxOutbound outbound;
    /** Sends that stopped asking for data until the channel is writable again (usually none or one). */
    private final List<SendSubscriber> waitingForWritability = new ArrayList<>(1);

    ChannelConnection(Channel channel) {
        this.channel = channel;
        this.receiver = new InboundReceiver(channel);
        this.receive = new IxByteBufFlux(receiver);
        this.flush = new TurnFlush(channel);
        this.outbound = new OutboundChain(this, null);
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public IxInbound inbound() {
        return this;
    }

    @Override
    public IxOutbound outbound() {
        return outbound;
    }

    @Override
    public IxByteBufFlux receive() {
        return receive;
    }

    @Override
    public IxInbound withConnection(Consumer<? super IxConnection> action) {
        action.accept(this);
        return this;
    }

    @Override
    public Mono<Void> onDispose() {
        return Mono.create(sink -> channel.closeFuture().addListener(f -> sink.success()));
    }

    InboundReceiver receiver() {
        return receiver;
    }

    TurnFlush flush() {
        return flush;
    }

    void waitForWritability(SendSubscriber send) {
        if (!waitingForWritability.contains(send)) {
            waitingForWritability.add(send);
        }
    }

    void stopWaitingForWritability(SendSubscriber send) {
        waitingForWritability.remove(send);
    }

    /** The channel became writable: the waiting sends ask for more. */
    void writable() {
        if (waitingForWritability.isEmpty()) {
            return;
        }
        List<SendSubscriber> resumed = List.copyOf(waitingForWritability);
        waitingForWritability.clear();
        for (SendSubscriber s : resumed) {
            s.requestMore();
        }
    }

    @Override
    public String toString() {
        return "IxConnection(" + channel + ")";
    }
}
