package dev.ix.reactor;

import dev.ix.transport.IxIoHandlerConfig;
import dev.ix.transport.test.IoUringRequirement;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.NonBlocking;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IxLoopThreadsTest {

    @Test
    void makesNonBlockingFastThreadLocalThreadsNamedAfterThePrefix() {
        ThreadFactory factory = IxLoopThreads.factory("ix-test", false);
        Thread first = factory.newThread(() -> { });
        Thread second = factory.newThread(() -> { });

        assertThat(first).isInstanceOf(NonBlocking.class).isInstanceOf(FastThreadLocalThread.class);
        assertThat(first.getName()).isEqualTo("ix-test-0");
        assertThat(second.getName()).isEqualTo("ix-test-1");
        assertThat(first.isDaemon()).isFalse();
        assertThat(IxLoopThreads.factory("ix-test", true).newThread(() -> { }).isDaemon()).isTrue();
    }

    @Test
    void refusesAnEmptyPrefix() {
        assertThatThrownBy(() -> IxLoopThreads.factory("", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    }

    @Test
    void groupLoopsAreNamedPrefixIndexAndRefuseReactorsBlock() throws Exception {
        IoUringRequirement.check("groupLoopsAreNamedPrefixIndexAndRefuseReactorsBlock");
        MultiThreadIoEventLoopGroup group = IxLoopThreads.newGroup(2, "ix-test-group", true,
                IxIoHandlerConfig.defaults());
        try {
            String name = group.next().submit(() -> Thread.currentThread().getName()).get();
            assertThat(name).matches("ix-test-group-[01]");
            // Reactor refuses block() on a NonBlocking thread: the loop would wait for itself. hide(): a plain
            // Mono.just(1).block() returns its value without asking.
            Throwable refused = group.next().submit(() -> Mono.just(1).hide().block()).await().cause();
            assertThat(refused).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("block()/blockFirst()/blockLast() are blocking");
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
