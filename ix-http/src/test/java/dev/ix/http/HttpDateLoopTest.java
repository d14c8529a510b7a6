package dev.ix.http;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** On an ix loop, the loop's {@link HttpDate} is rebuilt by a timer on its wheel, without anyone writing it. */
@RequiresIoUring
class HttpDateLoopTest {
    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @Test
    void loopDateIsRebuiltByTheTimerWheel() throws Exception {
        HttpDate date = group.submit(HttpDate::current).get(10, TimeUnit.SECONDS);
        assertThat(date.isTicking()).isTrue();
        assertThat(group.submit(HttpDate::current).get(10, TimeUnit.SECONDS)).isSameAs(date);
        byte[] first = group.submit(date::snapshot).get(10, TimeUnit.SECONDS);

        // snapshot() reads without refreshing: only the timer can change the value.
        boolean changed = Poll.until(() -> !Arrays.equals(first, snapshotOnLoop(date)));

        assertThat(changed).as("the Date value changed within the poll bound").isTrue();
    }

    private static byte[] snapshotOnLoop(HttpDate date) {
        try {
            return group.submit(date::snapshot).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
