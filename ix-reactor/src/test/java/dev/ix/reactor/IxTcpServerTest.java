package dev.ix.reactor;

import dev.ix.transport.test.RequiresIoUring;
import dev.ix.transport.IxLoop;
import dev.ix.transport.IxLoopStats;
import dev.ix.transport.test.Poll;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresIoUring
class IxTcpServerTest {
    private IxServer server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            List<IxLoop> loops = IxLoop.allOf(server.loops());
            server.disposeNow(Duration.ofSeconds(5));
            for (IxLoop loop : loops) {
                // The loops stopped: every receive buffer came back to the pool.
                assertThat(loop.stats().mbufsInUse()).as("mbufs in use on " + loop).isZero();
            }
        }
    }

    private static int inUse(IxServer s) {
        return IxLoop.allOf(s.loops()).stream().mapToInt(l -> l.stats().mbufsInUse()).sum();
    }

    @Test
    void echoesEveryStreamByteForByte() throws Exception {
        server = IxTcpServer.create().host("127.0.0.1").loops(2)
                .handle((in, out) -> out.send(in.receive().retain()))
                .bindNow();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<String[]>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                long seed = i;
                results.add(clients.submit(() -> {
                    try (Socket s = TcpPeer.connect(server.port())) {
                        CompletableFuture<String> echoed = CompletableFuture.supplyAsync(() -> {
                            try {
                                return TcpPeer.digestUntilEof(s.getInputStream());
                            } catch (IOException e) {
                                throw new RuntimeException(e);
                            }
                        });
                        String sent = TcpPeer.sendRandom(s.getOutputStream(), seed, 1 << 20);
                        s.shutdownOutput(); // the echo completes, and the handler with it
                        return new String[]{sent, echoed.get()};
                    }
                }));
            }
            for (Future<String[]> r : results) {
                String[] digests = r.get();
                assertThat(digests[1]).isEqualTo(digests[0]);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void uploadReadOneBufferAtATimeArrivesIntactInBoundedMemory() throws Exception {
        AtomicInteger mostInUse = new AtomicInteger();
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> out.sendString(in.receive()
                        .limitRate(1)
                        .doOnNext(b -> mostInUse.accumulateAndGet(IxLoop.current().orElseThrow().stats().mbufsInUse(),
                                Math::max))
                        .reduce(TcpPeer.sha256(), (sha, b) -> {
                            sha.update(b.nioBuffer());
                            return sha;
                        })
                        .map(sha -> HexFormat.of().formatHex(sha.digest()))))
                .bindNow();
        int mbufCount = IxLoop.allOf(server.loops()).getFirst().stats().mbufCount();
        try (Socket s = TcpPeer.connect(server.port())) {
            String sent = TcpPeer.sendRandom(s.getOutputStream(), 42, 100L << 20);
            s.shutdownOutput();
            String received = new String(TcpPeer.readUntilEof(s.getInputStream()), StandardCharsets.US_ASCII);
            assertThat(received).isEqualTo(sent);
        }
        // One buffer is asked for at a time, so what sits in the pool is what one receive took, not the upload.
        assertThat(mostInUse.get()).as("most mbufs held at once, of " + mbufCount).isLessThanOrEqualTo(64);
    }

    @Test
    void withoutDemandTheSenderStopsAtTheSocketWindow() throws Exception {
        AtomicReference<BaseSubscriber<ByteBuf>> reader = new AtomicReference<>();
        AtomicLong received = new AtomicLong();
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> {
                    BaseSubscriber<ByteBuf> s = new BaseSubscriber<>() {
                        @Override
                        protected void hookOnSubscribe(Subscription subscription) {
                            // no demand yet
                        }

                        @Override
                        protected void hookOnNext(ByteBuf value) {
                            received.addAndGet(value.readableBytes());
                        }
                    };
                    reader.set(s);
                    in.receive().subscribe(s);
                    return Mono.never();
                })
                .bindNow();
        try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
            client.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long written = 0;
            int stalls = 0;
            while (stalls < 50) { // the window stays shut for 50 × 10 ms
                chunk.clear();
                int n = client.write(chunk);
                if (n == 0) {
                    stalls++;
                    Thread.sleep(10);
                } else {
                    stalls = 0;
                    written += n;
                }
            }
            assertThat(received.get()).as("delivered without demand").isZero();
            assertThat(written).as("bytes the peer could send with no demand").isLessThan(64L << 20);
            assertThat(Poll.until(() -> reader.get() != null)).isTrue();
            reader.get().request(Long.MAX_VALUE);
            long total = written;
            assertThat(Poll.until(() -> received.get() == total)).as("all " + total + " bytes arrive on demand")
                    .isTrue();
            reader.get().dispose();
        }
    }

    @Test
    void aHalfClosedStreamWaitingForDemandHoldsOnlyAFewReceiveSlots() throws Exception {
        AtomicReference<BaseSubscriber<ByteBuf>> reader = new AtomicReference<>();
        MessageDigest received = TcpPeer.sha256();
        CompletableFuture<String> digest = new CompletableFuture<>();
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> {
                    BaseSubscriber<ByteBuf> s = new BaseSubscriber<>() {
                        @Override
                        protected void hookOnSubscribe(Subscription subscription) {
                            subscription.request(1); // one buffer, then nothing until the test asks
                        }

                        @Override
                        protected void hookOnNext(ByteBuf value) {
                            received.update(value.nioBuffer());
                        }

                        @Override
                        protected void hookOnComplete() {
                            digest.complete(HexFormat.of().formatHex(received.digest()));
                        }
                    };
                    reader.set(s);
                    in.receive().subscribe(s);
                    return Mono.fromFuture(digest).then();
                })
                .bindNow();
        IxLoop loop = IxLoop.allOf(server.loops()).getFirst();
        try (Socket s = TcpPeer.connect(server.port())) {
            // Small enough for the server's receive buffer, so that the FIN arrives while nothing is demanded.
            int length = 60 * 1024;
            String sent = TcpPeer.sendRandom(s.getOutputStream(), 11, length);
            s.shutdownOutput(); // the transport now reads to the end of stream, demand or not
            assertThat(Poll.until(() -> loop.stats().bytesReceived() >= length)).isTrue();
            assertThat(loop.stats().mbufsInUse()).as("mbufs held by a stream waiting for demand")
                    .isLessThanOrEqualTo(ReceiveSlots.MAX_QUEUED_VIEWS + 1);
            reader.get().request(Long.MAX_VALUE);
            assertThat(digest.get(10, TimeUnit.SECONDS)).isEqualTo(sent);
        }
    }

    @Test
    void cancellingTheReceiveMidStreamReleasesEveryBuffer() throws Exception {
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> out.sendString(in.receive().take(3).count().map(n -> "took " + n)))
                .bindNow();
        try (Socket s = TcpPeer.connect(server.port())) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    TcpPeer.sendRandom(s.getOutputStream(), 7, 32L << 20);
                } catch (IOException expected) {
                    // the server closes with data unread
                }
            });
            byte[] answer = s.getInputStream().readNBytes(6);
            assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo("took 3");
            writer.join();
        }
        assertThat(Poll.until(() -> inUse(server) == 0)).as("mbufs back in the pool").isTrue();
    }

    @Test
    void aResetReachesTheReceiveAsAnError() throws Exception {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        CountDownLatch firstBytes = new CountDownLatch(1);
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> in.receive().doOnNext(b -> firstBytes.countDown())
                        .doOnError(failure::complete).doOnComplete(() -> failure.complete(null)).then())
                .bindNow();
        try (Socket s = TcpPeer.connect(server.port())) {
            s.getOutputStream().write(new byte[1000]);
            firstBytes.await();
            s.setSoLinger(true, 0);
        }
        assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        assertThat(Poll.until(() -> server.activeConnections() == 0)).isTrue();
    }

    @Test
    void aHandlerThatThrowsClosesItsConnectionOnly() throws Exception {
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> {
                    throw new IllegalStateException("handler bug (expected by this test)");
                })
                .bindNow();
        try (Socket s = TcpPeer.connect(server.port())) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = TcpPeer.connect(server.port())) {
            assertThat(s.getInputStream().read()).as("the next connection is served alike").isEqualTo(-1);
        }
    }

    @Test
    void disposeNowLetsWorkInFlightFinishAndStopsAccepting() throws Exception {
        CountDownLatch requestIn = new CountDownLatch(1);
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> out.sendString(in.receive().next()
                        .doOnNext(b -> requestIn.countDown())
                        .then(Mono.delay(Duration.ofMillis(300)))
                        .thenReturn("done")))
                .bindNow();
        int port = server.port();
        try (Socket s = TcpPeer.connect(port)) {
            s.getOutputStream().write('x');
            requestIn.await();
            IxServer stopping = server;
            server = null;
            Thread stopper = Thread.ofVirtual().start(() -> stopping.disposeNow(Duration.ofSeconds(10)));
            assertThat(new String(TcpPeer.readUntilEof(s.getInputStream()), StandardCharsets.US_ASCII))
                    .isEqualTo("done");
            stopper.join();
            assertThat(stopping.isDisposed()).isTrue();
            assertThatThrownBy(() -> TcpPeer.connect(port).close()).isInstanceOf(ConnectException.class);
            for (IxLoop loop : IxLoop.allOf(stopping.loops())) {
                assertThat(loop.isAlive()).isFalse();
            }
        }
    }

    @Test
    void everySignalOfAHandlerArrivesOnItsConnectionsLoop() throws Exception {
        ConcurrentLinkedQueue<String> strays = new ConcurrentLinkedQueue<>();
        AtomicInteger checked = new AtomicInteger();
        server = IxTcpServer.create().host("127.0.0.1").loops(2)
                .handle((in, out) -> {
                    Thread loop = Thread.currentThread();
                    Runnable check = () -> {
                        checked.incrementAndGet();
                        if (Thread.currentThread() != loop) {
                            strays.add(Thread.currentThread().getName() + " instead of " + loop.getName());
                        }
                    };
                    if (IxLoop.current().isEmpty()) {
                        strays.add("handler called on " + loop.getName() + ", no ix loop");
                    }
                    return out.send(in.receive()
                                    .doOnEach(signal -> check.run())
                                    .concatMap(b -> {
                                        String text = b.toString(StandardCharsets.UTF_8); // b is released after this
                                        return IxSchedulers.blocking(text::toUpperCase)
                                                .doOnEach(signal -> check.run());
                                    })
                                    .map(text -> Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)))
                            .then()
                            .doOnEach(signal -> check.run());
                })
                .bindNow();
        for (int i = 0; i < 4; i++) {
            try (Socket s = TcpPeer.connect(server.port())) {
                s.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                assertThat(new String(TcpPeer.readUntilEof(s.getInputStream()), StandardCharsets.UTF_8))
                        .isEqualTo("PING");
            }
        }
        assertThat(Poll.until(() -> server.activeConnections() == 0)).isTrue();
        assertThat(strays).isEmpty();
        assertThat(checked.get()).isGreaterThan(8);
    }

    @Test
    void aSynchronousResponseLeavesInTheTurnItsRequestArrived() throws Exception {
        ConcurrentLinkedQueue<Long> readTurns = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> flushTurns = new ConcurrentLinkedQueue<>();
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .doOnConnection(c -> c.channel().pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                    private boolean dataWritten;

                    @Override
                    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                        dataWritten |= msg instanceof ByteBuf b && b.isReadable();
                        ctx.write(msg, promise);
                    }

                    @Override
                    public void flush(ChannelHandlerContext ctx) {
                        if (dataWritten) {
                            dataWritten = false;
                            flushTurns.add(turns());
                        }
                        ctx.flush();
                    }
                }))
                .handle((in, out) -> out.send(in.receive().map(b -> {
                    readTurns.add(turns());
                    return Unpooled.wrappedBuffer("pong".getBytes(StandardCharsets.US_ASCII));
                })))
                .bindNow();
        try (Socket s = TcpPeer.connect(server.port())) {
            OutputStream o = s.getOutputStream();
            InputStream i = s.getInputStream();
            for (int n = 0; n < 50; n++) {
                o.write('p');
                assertThat(i.readNBytes(4)).isEqualTo("pong".getBytes());
            }
        }
        assertThat(readTurns).hasSize(50);
        assertThat(List.copyOf(flushTurns)).isEqualTo(List.copyOf(readTurns));
    }

    private static long turns() {
        IxLoopStats stats = IxLoop.current().orElseThrow().stats();
        return stats.turns();
    }

    @Test
    void sendFileSendsTheFileUnchanged(@TempDir Path dir) throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(3).nextBytes(content);
        Path file = Files.write(dir.resolve("payload.bin"), content);
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> out.sendString(Mono.just("head:")).sendFile(file).sendString(Mono.just(":tail")))
                .bindNow();
        try (Socket s = TcpPeer.connect(server.port())) {
            byte[] got = TcpPeer.readUntilEof(s.getInputStream());
            MessageDigest expected = TcpPeer.sha256();
            expected.update("head:".getBytes());
            expected.update(content);
            expected.update(":tail".getBytes());
            MessageDigest actual = TcpPeer.sha256();
            actual.update(got);
            assertThat(got.length).isEqualTo(content.length + 10);
            assertThat(actual.digest()).isEqualTo(expected.digest());
        }
    }

    @Test
    void aSlowPeerPausesThePublisherInsteadOfBuffering() throws Exception {
        AtomicLong generated = new AtomicLong();
        int chunk = 64 * 1024;
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> out.send(Flux.<ByteBuf>generate(sink -> {
                    generated.incrementAndGet();
                    sink.next(out.alloc().directBuffer(chunk).writeZero(chunk));
                })))
                .bindNow();
        try (Socket s = TcpPeer.connect(server.port())) {
            long stable;
            do { // until the publisher stops: the peer reads nothing
                stable = generated.get();
                Thread.sleep(200);
            } while (generated.get() != stable);
            // The kernel's buffers, the channel's high water mark and one prefetch; nothing grows beyond that.
            assertThat(stable * chunk).as("bytes produced for a peer that reads nothing").isLessThan(64L << 20);
            s.getInputStream().readNBytes(16 << 20);
            long paused = stable;
            assertThat(Poll.until(() -> generated.get() > paused)).as("reading resumes the publisher").isTrue();
        }
        assertThat(Poll.until(() -> server.activeConnections() == 0)).isTrue();
    }

    @Test
    void aCloseBeforeThePeersFinIsAnErrorForTheReceiveNotACleanEnd() throws Exception {
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        CountDownLatch receiving = new CountDownLatch(1);
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> {
                    // A receive outside the handler's own publisher, which the close therefore does not cancel.
                    in.receive().doOnNext(b -> receiving.countDown())
                            .subscribe(b -> { }, end::complete, () -> end.complete(null));
                    return Mono.never();
                })
                .bindNow();
        try (Socket s = TcpPeer.connect(server.port())) {
            s.getOutputStream().write(new byte[100]);
            receiving.await();
            IxServer stopping = server;
            server = null;
            stopping.disposeNow(Duration.ofMillis(100)); // the deadline closes the connection mid-stream
            assertThat(end.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class)
                    .hasMessageContaining("closed before the peer ended its stream");
        }
    }

    @Test
    void buffersQueuedAboveASendAreReleasedWhenThePeerResets() throws Exception {
        int buffers = 20_000; // 20 MiB: far more than the peer reads and the kernel buffers
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> out.send(Flux.range(0, buffers)
                        .map(i -> out.alloc().directBuffer(1024).writeZero(1024))
                        // Takes everything at once and queues what the send has not asked for yet.
                        .onBackpressureBuffer()))
                .bindNow();
        try (Socket s = TcpPeer.connect(server.port())) {
            s.getInputStream().readNBytes(1 << 20);
            s.setSoLinger(true, 0);
        }
        assertThat(Poll.until(() -> server.activeConnections() == 0)).isTrue();
        // The queue is discarded when the send is cancelled; the leak detector (paranoid, checked after the class)
        // reports any of its buffers that were dropped without a release.
    }

    @Test
    void aBindThatFailsSaysWhereAndLeavesNoLoopRunning() {
        // 192.0.2.1 (TEST-NET-1) is no address of this machine: the bind fails with EADDRNOTAVAIL.
        assertThatThrownBy(() -> IxTcpServer.create().host("192.0.2.1").port(7).loops(1)
                .handle((in, out) -> Mono.empty()).bindNow())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("192.0.2.1");
    }
}
