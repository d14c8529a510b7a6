package dev.ix.reactor;

import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/** One {@link IxOutbound#send}: subscribing writes the publisher's messages ({@link SendSubscriber}). */
final class SendMono extends Mono<Void> {
    private final ChannelConnection connection;
    private final Publisher<?> source;

    SendMono(ChannelConnection connection, Publisher<?> source) {
        this.connection = connection;
        this.source = source;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
        source.subscribe(new SendSubscriber(connection, actual));
    }
}
