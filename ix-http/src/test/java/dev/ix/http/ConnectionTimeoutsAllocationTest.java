package dev.ix.http;

import dev.ix.reactor.IxServer;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timeout hooks a request goes through allocate nothing: the bytes the loop thread allocated (HotSpot's
 * per-thread counter, not a timing) over many requests' worth of hooks stay at the counter's own noise. Runs on a
 * real ix loop, whose wheel the timer is armed on.
 */
class ConnectionTimeoutsAllocationTest {
    private static final int REQUESTS = 100_000;
    /** What reading the counter itself may allocate, whatever the code between two reads did. */
    private static final long NOISE = 1024;

    @Test
    void allocatesNothingPerRequest() throws Exception {
        IxServer server = IxHttpServer.create().loops(1).bindNow();
        try {
            long allocated = server.loops().next().submit(ConnectionTimeoutsAllocationTest::measure).get();

            assertThat(allocated).as("bytes allocated by the hooks of %d requests", REQUESTS).isLessThan(NOISE);
        } finally {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    /** Loop thread: one connection's hooks, as a keep-alive connection answering at once calls them. */
    private static long measure() {
        EmbeddedChannel channel = new EmbeddedChannel();
        HttpServerHandler connection = new HttpServerHandler(new HttpRouter(List.of()), HttpLimits.DEFAULT,
                new HttpObservers(HttpObservers.Options.OFF), HttpTimeouts.DEFAULT);
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT, new RecordingListener());
        // A request timeout shorter than the idle one: the first request moves the timer to an earlier deadline,
        // the later ones push deadlines back (fields only, the timer fires early and re-arms).
        ConnectionTimeouts timeouts = new ConnectionTimeouts(HttpTimeouts.DEFAULT.withRequest(Duration.ofSeconds(1)),
                connection, parser);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        try {
            timeouts.opened(channel);
            requests(timeouts);
            long before = threads.getThreadAllocatedBytes(thread);
            requests(timeouts);
            return threads.getThreadAllocatedBytes(thread) - before;
        } finally {
            timeouts.closed();
            channel.finishAndReleaseAll();
        }
    }

    private static void requests(ConnectionTimeouts timeouts) {
        for (int i = 0; i < REQUESTS; i++) {
            timeouts.headReceived();
            timeouts.exchangeStarted();
            timeouts.parsed();
            timeouts.exchangeEnded();
            timeouts.parsed();
        }
    }
}
