package dev.ix.reactor;

import dev.ix.transport.test.RequiresIoUring;
import dev.ix.reactor.IxRpcException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import io.netty.buffer.Unpooled;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.ix.reactor.IxRpcTestSupport.await;
import static dev.ix.reactor.IxRpcTestSupport.buf;
import static dev.ix.reactor.IxRpcTestSupport.peek;
import static dev.ix.reactor.IxRpcTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The bounds on both sides, and stopping with calls in flight. */
@RequiresIoUring
class IxRpcFlowControlTest {
    private IxServer server;
    private IxRpcPool pool;

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.disposeNow(Duration.ofSeconds(10));
        }
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    @Test
    void aClientThatReadsNoAnswerStopsItsRequestsInsteadOfFillingTheServersMemory() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        int answerBytes = 64 * 1024;
        server = IxRpcServer.create().host("127.0.0.1").loops(1).maxInFlight(8)
                .handle(req -> {
                    handled.incrementAndGet();
                    return Mono.just(Unpooled.wrappedBuffer(new byte[answerBytes]));
                })
                .bindNow();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(server.address());
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            int requests = 4000;
            for (int i = 0; i < requests; i++) { // 13-byte requests without payload; the answers are never read
                out.writeInt(RpcFrame.ID_AND_KIND_BYTES);
                out.writeLong(i);
                out.writeByte(RpcFrame.REQUEST);
            }
            out.flush();
            int seen;
            do { // until the server stops taking requests
                seen = handled.get();
                Thread.sleep(200);
            } while (handled.get() != seen);
            // The kernel's buffers, the channel's high water mark and a turn's answers; not 4000 × 64 KiB (250 MiB).
            assertThat((long) seen * answerBytes).as("answers produced for a peer that reads none")
                    .isLessThan(64L << 20);
        }
    }

    @Test
    void serverTakesNoMoreThanMaxInFlightRequestsOfAConnectionAtOnce() {
        AtomicInteger outstanding = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        server = IxRpcServer.create().host("127.0.0.1").loops(1).maxInFlight(4).handle(req -> {
            most.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            String s = peek(req);
            // Answered later, from a timer thread: the handler's count drops before the server sees the answer.
            return Mono.delay(Duration.ofMillis(1)).map(x -> {
                outstanding.decrementAndGet();
                return buf("re:" + s);
            });
        }).bindNow();
        pool = IxRpcClient.create().port(server.port()).maxInFlight(500).connectNow();

        List<String> answers = Flux.range(0, 500).flatMap(i -> pool.call(buf("c" + i)).map(r -> i + text(r)), 500)
                .collectList().block();

        assertThat(answers).hasSize(500).allSatisfy(a -> assertThat(a).matches("(\\d+)re:c\\1"));
        assertThat(most.get()).isEqualTo(4);
    }

    @Test
    void clientQueuesCallsBeyondMaxInFlightAndRefusesThoseBeyondMaxQueued() {
        Sinks.Empty<Void> gate = Sinks.empty();
        AtomicInteger received = new AtomicInteger();
        server = IxRpcServer.create().host("127.0.0.1").loops(1).handle(req -> {
            received.incrementAndGet();
            String s = peek(req);
            return gate.asMono().then(Mono.fromSupplier(() -> buf("re:" + s)));
        }).bindNow();
        pool = IxRpcClient.create().port(server.port()).connections(1).maxInFlight(2).maxQueued(3).connectNow();

        List<Mono<String>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Mono<String> call = pool.call(buf("c" + i)).map(IxRpcTestSupport::text).cache();
            call.subscribe(r -> { }, e -> { });
            calls.add(call);
        }
        StepVerifier.create(pool.call(buf("one too many"))).expectErrorSatisfies(e -> {
            assertThat(((IxRpcException) e).reason()).isEqualTo(Reason.REJECTED);
            assertThat(e).hasMessageContaining("2 calls in flight (maxInFlight 2) and 3 queued (maxQueued 3)");
        }).verify();
        await(() -> received.get() == 2);

        gate.tryEmitEmpty();
        for (int i = 0; i < 5; i++) {
            assertThat(calls.get(i).block()).isEqualTo("re:c" + i);
        }
        assertThat(received).hasValue(5);
    }

    @Test
    void serverDisposeNowAnswersTheCallsInFlightBeforeClosing() {
        AtomicInteger received = new AtomicInteger();
        Sinks.Empty<Void> gate = Sinks.empty();
        server = IxRpcServer.create().host("127.0.0.1").loops(1).handle(req -> {
            received.incrementAndGet();
            String s = peek(req);
            return gate.asMono().then(Mono.fromSupplier(() -> buf("re:" + s)));
        }).bindNow();
        pool = IxRpcClient.create().port(server.port()).connections(2).connectNow();
        List<Mono<String>> calls = subscribeCalls(10);
        await(() -> received.get() == 10);

        Mono<Void> stopped = server.disposeLater(Duration.ofSeconds(30)).cache();
        stopped.subscribe();
        gate.tryEmitEmpty();
        stopped.block();

        for (int i = 0; i < 10; i++) {
            assertThat(calls.get(i).block()).isEqualTo("re:c" + i);
        }
        assertThat(server.activeConnections()).isZero();
    }

    @Test
    void clientDisposeNowLetsTheCallsInFlightFinishAndRefusesNewOnes() {
        AtomicInteger received = new AtomicInteger();
        server = IxRpcServer.create().host("127.0.0.1").loops(1).handle(req -> {
            received.incrementAndGet();
            String s = peek(req);
            return Mono.delay(Duration.ofMillis(50)).map(x -> buf("re:" + s));
        }).bindNow();
        pool = IxRpcClient.create().port(server.port()).connections(2).connectNow();
        List<Mono<String>> calls = subscribeCalls(10);
        await(() -> received.get() == 10);

        pool.disposeNow(Duration.ofSeconds(30));

        for (int i = 0; i < 10; i++) {
            assertThat(calls.get(i).block()).isEqualTo("re:c" + i);
        }
        StepVerifier.create(pool.call(buf("late"))).expectErrorSatisfies(e ->
                assertThat(((IxRpcException) e).reason()).isEqualTo(Reason.DISPOSED)).verify();
    }

    private List<Mono<String>> subscribeCalls(int n) {
        List<Mono<String>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Mono<String> call = pool.call(buf("c" + i)).map(IxRpcTestSupport::text).cache();
            call.subscribe(r -> { }, e -> { });
            calls.add(call);
        }
        return calls;
    }

}
