package dev.ix.transport;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The background hook's contracts on a real event loop: work off the loop, results and listeners back on it, a
 * bounded queue that refuses at once, cancellation before start, and a shutdown that leaves no thread behind. The
 * top-level tests use Netty's local transport, so they hold without io_uring; {@link OnIxLoop} repeats the main
 * path through an ix connection. Awaits carry generous timeouts only so that a bug fails instead of hanging.
 */
class IxBackgroundTest {
    private final List<EventLoopGroup> groups = new ArrayList<>();
    private final List<IxBackground> pools = new ArrayList<>();

    @AfterEach
    void shutdown() throws InterruptedException {
        for (IxBackground pool : pools) {
            pool.close();
            assertThat(pool.awaitTermination(10, SECONDS)).as("background threads end after close").isTrue();
        }
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 5, SECONDS).sync();
        }
    }

    private EventLoopGroup localGroup() {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        groups.add(g);
        return g;
    }

    private IxBackground pool(int threads, int queueCapacity) {
        IxBackground pool = IxBackground.create(threads, queueCapacity);
        pools.add(pool);
        return pool;
    }

    /** Occupies the pool's only thread until {@link #release()}; returns once the thread is taken. */
    private static final class BusyWorker {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Future<String> future;

        BusyWorker(IxBackground pool, EventExecutor loop) throws InterruptedException {
            future = pool.submit(loop, () -> {
                started.countDown();
                release.await();
                return "busy";
            });
            assertThat(started.await(10, SECONDS)).as("the busy work started").isTrue();
        }

        void release() {
            release.countDown();
        }
    }

    @Test
    void runsWorkOnBackgroundThreadAndNotifiesListenerOnTheChannelsLoop() throws Exception {
        EventLoopGroup group = localGroup();
        Channel channel = new LocalChannel();
        group.register(channel).sync();
        IxBackground pool = pool(2, 8);
        AtomicReference<Thread> worker = new AtomicReference<>();
        CompletableFuture<Boolean> listenerOnLoop = new CompletableFuture<>();

        Future<String> result = pool.submit(channel, () -> {
            worker.set(Thread.currentThread());
            return "looked up";
        });
        result.addListener(f -> listenerOnLoop.complete(channel.eventLoop().inEventLoop()));

        assertThat(listenerOnLoop.get(10, SECONDS)).as("listener ran on the channel's loop").isTrue();
        assertThat(result.getNow()).isEqualTo("looked up");
        assertThat(worker.get().getName()).startsWith("ix-background-");
        assertThat(worker.get().isDaemon()).isTrue();
        assertThat(channel.eventLoop().inEventLoop(worker.get())).isFalse();
        channel.close().sync();
    }

    @Test
    void failsFutureWithTheWorksExceptionAsCause() throws Exception {
        EventExecutor loop = localGroup().next();
        IxBackground pool = pool(1, 1);
        IllegalStateException thrown = new IllegalStateException("lookup failed");

        Future<Object> result = pool.submit(loop, () -> {
            throw thrown;
        });

        assertThat(result.await(10, SECONDS)).isTrue();
        assertThat(result.isSuccess()).isFalse();
        assertThat(result.cause()).isSameAs(thrown);
    }

    @Test
    void rejectsAtOnceOnTheLoopWhenTheQueueIsFull() throws Exception {
        EventExecutor loop = localGroup().next();
        IxBackground pool = pool(1, 1);
        BusyWorker busy = new BusyWorker(pool, loop);
        Future<String> queued = pool.submit(loop, () -> "queued");
        assertThat(pool.queued()).isEqualTo(1);

        // Submitted from the loop itself: the refusal must be complete before submit returns, nothing waits.
        Future<String> refused = loop.submit(() -> {
            Future<String> f = pool.submit(loop, () -> "one too many");
            assertThat(f.isDone()).as("refused before submit returned").isTrue();
            return f;
        }).get(10, SECONDS);

        assertThat(refused.cause())
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("queue full: 1 tasks")
                .hasMessageContaining("1 busy ix-background threads")
                .hasMessageContaining("-D" + IxTransportProperties.BACKGROUND_QUEUE_PROP_NAME)
                .hasMessageContaining("IxBackground.create(threads, queueCapacity)");
        assertThat(pool.rejected()).isEqualTo(1);

        busy.release();
        assertThat(busy.future.await(10, SECONDS) && queued.await(10, SECONDS)).isTrue();
        assertThat(busy.future.getNow()).isEqualTo("busy");
        assertThat(queued.getNow()).as("what was accepted still runs").isEqualTo("queued");
        assertThat(pool.queued()).isZero();
    }

    @Test
    void cancelBeforeStartFreesTheQueueSlotAndTheWorkNeverRuns() throws Exception {
        EventExecutor loop = localGroup().next();
        IxBackground pool = pool(1, 1);
        BusyWorker busy = new BusyWorker(pool, loop);
        AtomicBoolean ran = new AtomicBoolean();
        Future<String> cancelled = pool.submit(loop, () -> {
            ran.set(true);
            return "should not run";
        });

        assertThat(cancelled.cancel(false)).isTrue();
        assertThat(pool.queued()).as("the cancelled task left the queue").isZero();
        Future<String> next = pool.submit(loop, () -> "next");
        assertThat(next.isDone()).as("the freed slot takes the next task").isFalse();
        busy.release();

        // One thread takes tasks in order: once "next" is done, the cancelled task would have run before it.
        assertThat(next.await(10, SECONDS)).isTrue();
        assertThat(next.getNow()).isEqualTo("next");
        assertThat(ran).isFalse();
        assertThat(cancelled.isCancelled()).isTrue();
    }

    @Test
    void cancelOfStartedWorkIsRefusedAndTheWorkCompletes() throws Exception {
        EventExecutor loop = localGroup().next();
        IxBackground pool = pool(1, 1);
        BusyWorker busy = new BusyWorker(pool, loop);

        assertThat(busy.future.cancel(true)).isFalse();
        assertThat(busy.future.isCancellable()).isFalse();
        busy.release();

        assertThat(busy.future.await(10, SECONDS)).isTrue();
        assertThat(busy.future.getNow()).isEqualTo("busy");
    }

    @Test
    void closeRefusesLaterSubmissionsAndItsThreadsEnd() throws Exception {
        EventExecutor loop = localGroup().next();
        IxBackground pool = pool(2, 4);
        List<Future<Thread>> ran = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ran.add(pool.submit(loop, Thread::currentThread));
        }
        List<Thread> workers = new ArrayList<>();
        for (Future<Thread> f : ran) {
            workers.add(f.sync().getNow());
        }

        pool.close();
        Future<String> late = pool.submit(loop, () -> "too late");

        assertThat(late.isDone()).isTrue();
        assertThat(late.cause())
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("closed")
                .hasMessageContaining("IxBackground.shared()");
        assertThat(pool.rejected()).isEqualTo(1);
        assertThat(pool.awaitTermination(10, SECONDS)).isTrue();
        for (Thread worker : workers) {
            worker.join(SECONDS.toMillis(10));
            assertThat(worker.isAlive()).as("%s ended", worker.getName()).isFalse();
        }
    }

    @Test
    void closeLetsAcceptedWorkRunAndDeliver() throws Exception {
        EventExecutor loop = localGroup().next();
        IxBackground pool = pool(1, 1);
        BusyWorker busy = new BusyWorker(pool, loop);
        Future<String> queued = pool.submit(loop, () -> "queued before close");

        pool.close();
        assertThat(pool.awaitTermination(0, SECONDS)).as("still working").isFalse();
        busy.release();

        assertThat(queued.await(10, SECONDS)).isTrue();
        assertThat(queued.getNow()).isEqualTo("queued before close");
        assertThat(busy.future.getNow()).isEqualTo("busy");
        assertThat(pool.awaitTermination(10, SECONDS)).isTrue();
    }

    @Test
    void resultArrivingAfterTheLoopShutDownFailsTheFutureAndIsReleased() throws Exception {
        EventLoopGroup group = localGroup();
        EventExecutor loop = group.next();
        IxBackground pool = pool(1, 1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteBuf buffer = Unpooled.directBuffer(16).writeLong(42);
        Future<ByteBuf> result = pool.submit(loop, () -> {
            started.countDown();
            release.await();
            return buffer;
        });
        assertThat(started.await(10, SECONDS)).isTrue();

        group.shutdownGracefully(0, 5, SECONDS).sync();
        release.countDown();

        assertThat(result.await(10, SECONDS)).as("waiters still wake").isTrue();
        assertThat(result.cause())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shut down before the result of background work could be delivered")
                .hasCauseInstanceOf(RejectedExecutionException.class);
        assertThat(buffer.refCnt()).as("the undeliverable buffer was released").isZero();
    }

    @Test
    void sharedIsOneOpenPoolThatCannotBeClosed() throws Exception {
        IxBackground shared = IxBackground.shared();
        assertThat(IxBackground.shared()).isSameAs(shared);
        assertThat(shared.threads()).isGreaterThanOrEqualTo(1);
        assertThat(shared.queueCapacity()).isEqualTo(IxTransportProperties.BACKGROUND_QUEUE_DEFAULT);

        assertThatThrownBy(shared::close)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("IxBackground.create(threads, queueCapacity)");
        Future<String> stillOpen = shared.submit(localGroup().next(), () -> "ok");
        assertThat(stillOpen.sync().getNow()).isEqualTo("ok");
    }

    @Test
    void createRejectsSizesBelowOneNamingTheValue() {
        assertThatThrownBy(() -> IxBackground.create(0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: 0 (expected: >= 1)");
        assertThatThrownBy(() -> IxBackground.create(1, -5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueCapacity: -5 (expected: >= 1)");
    }

    /** The usage the class Javadoc shows, on an ix connection: read, blocking work, answer from the listener. */
    @Nested
    @RequiresIoUring
    class OnIxLoop {
        @Test
        void handlerAnswersFromTheListenerOnTheConnectionsOwnLoop() throws Exception {
            // The allocator's first use in a JVM registers its JFR events (~100 ms); do it here, not on the loop,
            // where LoopMonitor would rightly report it as a stall that has nothing to do with this test.
            ByteBufAllocator.DEFAULT.directBuffer(1).release();
            EventLoopGroup ix = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
            groups.add(ix);
            IxBackground pool = pool(2, 16);
            CompletableFuture<String> workThread = new CompletableFuture<>();
            CompletableFuture<Boolean> listenerOnLoop = new CompletableFuture<>();
            CompletableFuture<Channel> child = new CompletableFuture<>();
            Channel server = new ServerBootstrap().group(ix).channel(IxServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            child.complete(ctx.channel());
                            ByteBuf request = (ByteBuf) msg;
                            String key = request.toString(StandardCharsets.US_ASCII);
                            request.release();
                            pool.submit(ctx.channel(), () -> {
                                workThread.complete(Thread.currentThread().getName());
                                return key.toUpperCase();
                            }).addListener((Future<String> f) -> {
                                listenerOnLoop.complete(ctx.channel().eventLoop().inEventLoop());
                                ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), f.getNow()));
                            });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

            assertThat(roundTrip((InetSocketAddress) server.localAddress(), "key")).isEqualTo("KEY");
            assertThat(workThread.get(10, SECONDS)).startsWith("ix-background-");
            assertThat(listenerOnLoop.get(10, SECONDS)).isTrue();
            child.get(10, SECONDS).close().sync(); // before the loop stops, which would close it from its shutdown
            server.close().sync();
        }

        private static String roundTrip(InetSocketAddress target, String text) throws IOException {
            try (Socket s = new Socket(target.getAddress(), target.getPort())) {
                s.setSoTimeout((int) SECONDS.toMillis(10));
                byte[] out = text.getBytes(StandardCharsets.US_ASCII);
                s.getOutputStream().write(out);
                return new String(s.getInputStream().readNBytes(out.length), StandardCharsets.US_ASCII);
            }
        }
    }
}
