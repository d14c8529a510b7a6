package dev.ix.transport;

import dev.ix.transport.StreamReceiver.State;
import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One test per transition of {@link StreamReceiver}'s state machine, each driven through a real connection and read
 * on the channel's loop, plus the transitions it must refuse.
 */
@RequiresIoUring
class StreamReceiverTest {
    private final List<EventLoopGroup> groups = new ArrayList<>();
    private final CompletableFuture<IxSocketChannel> accepted = new CompletableFuture<>();
    private final List<ByteBuf> held = new ArrayList<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final CompletableFuture<Void> inputShutdown = new CompletableFuture<>();

    @AfterEach
    void shutdown() throws Exception {
        if (accepted.isDone()) {
            IxSocketChannel ch = accepted.get();
            // Closed first: a channel still reading would hold more after the release.
            ch.eventLoop().submit(() -> {
                ch.unsafe().closeForcibly();
                held.forEach(ReferenceCountUtil::release);
                held.clear();
            }).sync();
        }
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
        }
    }

    /** A server whose accepted channel holds what it reads when {@code hold} says so, else releases it. */
    private Socket connect(IxIoHandlerConfig config, boolean autoRead, boolean hold) throws Exception {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory(config));
        groups.add(g);
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, autoRead)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete((IxSocketChannel) ctx.channel());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        reads.incrementAndGet();
                        if (hold) {
                            held.add((ByteBuf) msg);
                        } else {
                            ReferenceCountUtil.release(msg);
                        }
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
                            inputShutdown.complete(null);
                        }
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        return new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) server.localAddress()).getPort());
    }

    private IxSocketChannel channel() throws Exception {
        return accepted.get(30, TimeUnit.SECONDS);
    }

    private static State state(IxSocketChannel ch) {
        try {
            return ch.eventLoop().submit(ch::receiveState).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the receive state on the loop", e);
        }
    }

    private static void awaitState(IxSocketChannel ch, State expected) throws Exception {
        Poll.until(() -> state(ch) == expected);
        assertThat(state(ch)).isEqualTo(expected);
    }

    @Test
    void idleToStreamingWhenAutoReadIsOn() throws Exception {
        try (Socket ignored = connect(IxIoHandlerConfig.defaults(), true, false)) {
            awaitState(channel(), State.STREAMING);
        }
    }

    @Test
    void streamingToStoppingToIdleWhenAutoReadGoesOff() throws Exception {
        try (Socket ignored = connect(IxIoHandlerConfig.defaults(), true, false)) {
            IxSocketChannel ch = channel();
            awaitState(ch, State.STREAMING);
            State right = ch.eventLoop().submit(() -> {
                ch.config().setAutoRead(false);
                return ch.receiveState();
            }).get(30, TimeUnit.SECONDS);
            assertThat(right).as("the stop waits for the loop's next io_uring_enter").isEqualTo(State.STREAMING);
            awaitState(ch, State.IDLE);
            assertThat(ch.eventLoop().submit(ch::streamStops).get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void autoReadOffAndOnAgainWithinATurnKeepsTheStreamArmed() throws Exception {
        try (Socket s = connect(IxIoHandlerConfig.defaults(), true, false)) {
            IxSocketChannel ch = channel();
            awaitState(ch, State.STREAMING);
            for (int i = 0; i < 100; i++) { // as Reactor Netty does around every HTTP request
                ch.eventLoop().submit(() -> {
                    ch.config().setAutoRead(false);
                    ch.config().setAutoRead(true);
                }).get(30, TimeUnit.SECONDS);
            }
            s.getOutputStream().write(new byte[100]);
            Poll.until(() -> reads.get() >= 1);
            assertThat(state(ch)).isEqualTo(State.STREAMING);
            assertThat(ch.eventLoop().submit(ch::streamStops).get(30, TimeUnit.SECONDS))
                    .as("multishot recvs cancelled").isZero();
        }
    }

    @Test
    void idleToReadingToIdleForOneReadWithAutoReadOff() throws Exception {
        try (Socket s = connect(IxIoHandlerConfig.defaults(), false, false)) {
            IxSocketChannel ch = channel();
            assertThat(state(ch)).isEqualTo(State.IDLE);
            State right = ch.eventLoop().submit(() -> {
                ch.read();
                return ch.receiveState();
            }).get(30, TimeUnit.SECONDS);
            assertThat(right).isEqualTo(State.READING);
            s.getOutputStream().write(new byte[100]);
            Poll.until(() -> reads.get() == 1);
            awaitState(ch, State.IDLE);
        }
    }

    @Test
    void readingToReadingUntilEofOnceThePeerShutDown() throws Exception {
        // autoRead off and no read(): the POLLRDHUP watch sees the FIN, and one read loop takes all that is left,
        // one 256-byte mbuf per recv, then the end of stream.
        try (Socket s = connect(IxIoHandlerConfig.defaults().withMbufSize(256), false, false)) {
            IxSocketChannel ch = channel();
            s.getOutputStream().write(new byte[2048]);
            s.shutdownOutput();
            inputShutdown.get(30, TimeUnit.SECONDS);
            assertThat(reads.get()).isEqualTo(8);
            assertThat(state(ch)).isEqualTo(State.EOF);
        }
    }

    @Test
    void streamingToStarvedToIdleWhenThePoolRunsDryAndRefills() throws Exception {
        try (Socket s = connect(IxIoHandlerConfig.defaults().withMbufCount(4).withMbufSize(256), true, true)) {
            IxSocketChannel ch = channel();
            OutputStream out = s.getOutputStream();
            out.write(new byte[4096]);
            awaitState(ch, State.STARVED);
            assertThat(reads.get()).isEqualTo(4);
            ch.eventLoop().submit(() -> {
                held.forEach(ReferenceCountUtil::release);
                held.clear();
            }).sync();
            // Back to IDLE, which re-arms at once since autoRead is on: STREAMING again, and more is read.
            Poll.until(() -> reads.get() > 4);
            assertThat(reads.get()).isGreaterThan(4);
        }
    }

    @Test
    void readingToStarvedWhenARequestedReadFindsThePoolEmpty() throws Exception {
        try (Socket s = connect(IxIoHandlerConfig.defaults().withMbufCount(1).withMbufSize(256), false, true)) {
            IxSocketChannel ch = channel();
            s.getOutputStream().write(new byte[1024]);
            ch.eventLoop().submit(() -> {
                ch.read();
            }).sync();
            Poll.until(() -> reads.get() == 1);
            ch.eventLoop().submit(() -> {
                ch.read();
            }).sync();
            awaitState(ch, State.STARVED);
        }
    }

    @Test
    void anyToEofWhenThePeerShutsDown() throws Exception {
        try (Socket s = connect(IxIoHandlerConfig.defaults(), true, false)) {
            IxSocketChannel ch = channel();
            s.shutdownOutput();
            inputShutdown.get(30, TimeUnit.SECONDS);
            assertThat(state(ch)).isEqualTo(State.EOF);
            assertThat(ch.isOpen()).as("half-closure allowed").isTrue();
            ch.eventLoop().submit(() -> {
                ch.read();
            }).sync();
            assertThat(state(ch)).as("nothing is armed after the end of stream").isEqualTo(State.EOF);
        }
    }

    @Test
    void refusesMovesOutsideTheTable() {
        StreamReceiver r = new StreamReceiver(null);
        assertThatThrownBy(() -> r.moveTo(State.STOPPING)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("IDLE -> STOPPING");
        assertThatThrownBy(() -> r.moveTo(State.STARVED)).hasMessageContaining("IDLE -> STARVED");
        assertThatThrownBy(() -> r.moveTo(State.IDLE)).hasMessageContaining("IDLE -> IDLE");
        r.moveTo(State.STREAMING);
        assertThatThrownBy(() -> r.moveTo(State.READING)).hasMessageContaining("STREAMING -> READING");
        r.moveTo(State.EOF);
        assertThatThrownBy(() -> r.moveTo(State.IDLE)).hasMessageContaining("EOF -> IDLE");
        assertThatThrownBy(() -> r.moveTo(State.STREAMING)).hasMessageContaining("EOF -> STREAMING");
    }
}
