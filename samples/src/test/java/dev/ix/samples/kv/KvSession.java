package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A kv connection without a network: {@link KvConnection} in an {@link EmbeddedChannel} over its own store, with a
 * clock the test sets. Feeds bytes in chunks of a chosen size and collects every answer.
 */
final class KvSession implements AutoCloseable {
    final AtomicLong clock = new AtomicLong(1_800_000_000L);
    final KvStore store;
    final EmbeddedChannel channel;

    KvSession(long limitBytes, int itemMaxBytes) {
        store = new KvStore(limitBytes, itemMaxBytes, clock::get);
        channel = new EmbeddedChannel(new KvConnection(store, new KvStats(store, 1)));
    }

    /** Sends {@code request} in chunks of {@code chunk} bytes (0: random sizes from {@code random}). */
    String send(byte[] request, int chunk, Random random) {
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        int i = 0;
        while (i < request.length && channel.isActive()) {
            int n = chunk > 0 ? chunk : 1 + random.nextInt(Math.min(64, request.length - i));
            n = Math.min(n, request.length - i);
            // A wrapped array, as a received buffer is: the handler must release it.
            channel.writeInbound(Unpooled.wrappedBuffer(request, i, n));
            i += n;
            drain(answers);
        }
        drain(answers);
        return answers.toString(StandardCharsets.ISO_8859_1);
    }

    String send(String request) {
        return send(request.getBytes(StandardCharsets.ISO_8859_1), Integer.MAX_VALUE, null);
    }

    private void drain(ByteArrayOutputStream answers) {
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            ByteBuf b = (ByteBuf) o;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            answers.writeBytes(bytes);
        }
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        store.close();
    }
}
