package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DueQueueTest {

    @Test
    void pollsEarliestFirstThroughOffersMovesAndRemovals() {
        LoadSpec spec = new LoadSpec(URI.create("http://127.0.0.1:1/"), 64, 1, Duration.ofSeconds(1), Duration.ZERO,
                100, 1, LoadTransport.NIO, Duration.ofSeconds(1));
        RequestTemplate template = RequestTemplate.of(spec.uri(), List.of(), 1);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            LoadLoop loop = new LoadLoop(group.next(), LoopDriver.of(LoadTransport.NIO), new InetSocketAddress(1),
                    template, spec, new CountDownLatch(1));
            Random random = new Random(42);
            List<Connection> all = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                all.add(new Connection(loop, i));
            }
            DueQueue queue = new DueQueue();
            for (int round = 0; round < 200; round++) {
                Connection c = all.get(random.nextInt(all.size()));
                if (random.nextInt(4) == 0) {
                    queue.remove(c);
                    assertThat(c.queueIndex).isEqualTo(-1);
                } else {
                    c.dueAt = random.nextInt(1000);
                    queue.offer(c);
                }
            }
            List<Connection> queued = all.stream().filter(c -> c.queueIndex >= 0).toList();
            long previous = Long.MIN_VALUE;
            int polled = 0;
            while (!queue.isEmpty()) {
                long earliest = queue.earliest();
                Connection c = queue.poll();
                assertThat(c.dueAt).isEqualTo(earliest).isGreaterThanOrEqualTo(previous);
                assertThat(c.queueIndex).isEqualTo(-1);
                previous = c.dueAt;
                polled++;
            }
            assertThat(polled).isEqualTo(queued.size());
            assertThat(queue.poll()).isNull();
            assertThat(queue.earliest()).isEqualTo(Long.MAX_VALUE);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            template.release();
        }
    }
}
