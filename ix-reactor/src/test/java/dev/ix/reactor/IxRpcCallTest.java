package dev.ix.reactor;

import dev.ix.transport.test.RequiresIoUring;
import dev.ix.reactor.IxRpcException.Reason;
import dev.ix.transport.IxBackground;
import dev.ix.transport.IxLoop;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.ix.reactor.IxRpcTestSupport.await;
import static dev.ix.reactor.IxRpcTestSupport.buf;
import static dev.ix.reactor.IxRpcTestSupport.peek;
import static dev.ix.reactor.IxRpcTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;

/** Calls end to end, ix loops on both sides: answers matched to requests, deadlines, errors, multiplexing. */
@RequiresIoUring
class IxRpcCallTest {
    private IxServer server;
    private IxRpcPool pool;
    private IxRpcPool other;

    @AfterEach
    void stop() {
        for (IxRpcPool p : new IxRpcPool[] {pool, other}) {
            if (p != null) {
                p.disposeNow(Duration.ofSeconds(10));
            }
        }
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    private IxRpcPool connect(IxRpcClient client) {
        return client.port(server.port()).connectNow();
    }

    @Test
    void answersTenThousandPipelinedCallsOnOneConnectionEachWithItsOwnResponse() {
        // Every third call is answered from another thread, so answers also come back out of order.
        server = IxRpcServer.create().host("127.0.0.1").loops(1).handle(req -> {
            String s = peek(req);
            Mono<ByteBuf> answer = Mono.fromSupplier(() -> buf("re:" + s));
            return s.hashCode() % 3 == 0 ? answer.delaySubscription(Duration.ZERO) : answer;
        }).bindNow();
        pool = connect(IxRpcClient.create().connections(1).maxInFlight(10_000));

        List<String> answers = Flux.range(0, 10_000)
                .flatMap(i -> pool.call(buf("call-" + i)).map(r -> i + "=" + text(r)), 10_000)
                .collectList().block();

        assertThat(answers).hasSize(10_000).allSatisfy(a -> {
            String i = a.substring(0, a.indexOf('='));
            assertThat(a).isEqualTo(i + "=re:call-" + i);
        });
        assertThat(server.activeConnections()).isEqualTo(1);
    }

    @Test
    void failsACallWhoseDeadlinePassesAndReleasesItsLateResponse() {
        Sinks.One<ByteBuf> late = Sinks.one();
        AtomicInteger received = new AtomicInteger();
        server = IxRpcServer.create().host("127.0.0.1").loops(1).handle(req -> {
            if (!peek(req).equals("wait")) {
                return Mono.just(req.retain());
            }
            received.incrementAndGet();
            return late.asMono();
        }).bindNow();
        pool = connect(IxRpcClient.create().connections(1));

        StepVerifier.create(pool.call(buf("wait"), Duration.ofMillis(20)))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(IxRpcException.class).hasMessageContaining("no response within 20 ms");
                    assertThat(((IxRpcException) e).reason()).isEqualTo(Reason.DEADLINE);
                })
                .verify();
        // The client's deadline may pass before the request reached the server (a loaded machine): wait for it.
        await(() -> received.get() == 1);

        late.tryEmitValue(buf("too late"));
        await(() -> pool.lateResponses() == 1);
        // The connection goes on serving.
        StepVerifier.create(pool.call(buf("again")).map(IxRpcTestSupport::text)).expectNext("again").verifyComplete();
    }

    @Test
    void cancelledCallIsForgottenAndItsLateResponseReleased() {
        Sinks.One<ByteBuf> answer = Sinks.one();
        AtomicInteger received = new AtomicInteger();
        server = IxRpcServer.create().host("127.0.0.1").loops(1).handle(req -> {
            received.incrementAndGet();
            return answer.asMono();
        }).bindNow();
        pool = connect(IxRpcClient.create());

        Disposable call = pool.call(buf("cancel me")).subscribe(r -> {
            throw new AssertionError("a cancelled call got " + text(r));
        });
        await(() -> received.get() == 1);
        call.dispose();
        answer.tryEmitValue(buf("unwanted"));
        await(() -> pool.lateResponses() == 1);
    }

    @Test
    void handlerFailuresAnswerTheCallerWithTheirMessageAndKeepTheConnection() {
        server = IxRpcServer.create().host("127.0.0.1").loops(1).handle(req -> switch (peek(req)) {
            case "throw" -> throw new IllegalStateException("thrown by the handler");
            case "error" -> Mono.error(new IllegalArgumentException("bad request"));
            case "empty" -> Mono.empty();
            case "null" -> null;
            default -> Mono.just(req.retain());
        }).bindNow();
        pool = connect(IxRpcClient.create().connections(1));

        assertRemoteError("throw", "thrown by the handler");
        assertRemoteError("error", "bad request");
        assertRemoteError("empty", RpcServerCall.EMPTY_MESSAGE);
        assertRemoteError("null", "the handler returned null instead of a Mono");
        StepVerifier.create(pool.call(buf("echo")).map(IxRpcTestSupport::text)).expectNext("echo").verifyComplete();
        assertThat(server.activeConnections()).isEqualTo(1);
    }

    private void assertRemoteError(String request, String message) {
        StepVerifier.create(pool.call(buf(request)))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(IxRpcException.class).hasMessage(message);
                    assertThat(((IxRpcException) e).reason()).isEqualTo(Reason.REMOTE);
                    assertThat(((IxRpcException) e).remoteMessage()).isEqualTo(message);
                })
                .verify();
    }

    @Test
    void slowHandlerDoesNotHoldBackTheOtherConnectionsOfItsLoop() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch slowStarted = new CountDownLatch(1);
        server = IxRpcServer.create().host("127.0.0.1").loops(1).handle(req -> {
            if (!peek(req).equals("slow")) {
                return Mono.just(req.retain());
            }
            // Blocking work goes to a background thread; its answer hops back to this connection's loop.
            IxLoop loop = IxLoop.current().orElseThrow();
            return Mono.create(sink -> IxBackground.shared().submit(loop.executor(), () -> {
                slowStarted.countDown();
                release.await();
                return buf("slow done");
            }).addListener(f -> {
                if (f.isSuccess()) {
                    sink.success((ByteBuf) f.getNow());
                } else {
                    sink.error(f.cause());
                }
            }));
        }).bindNow();
        pool = connect(IxRpcClient.create());
        other = connect(IxRpcClient.create());

        Sinks.One<String> slow = Sinks.one();
        pool.call(buf("slow")).map(IxRpcTestSupport::text).subscribe(slow::tryEmitValue);
        slowStarted.await();

        List<String> fast = Flux.range(0, 100).concatMap(i -> other.call(buf("fast-" + i)).map(IxRpcTestSupport::text))
                .collectList().block();
        assertThat(fast).hasSize(100).startsWith("fast-0").endsWith("fast-99");
        assertThat(slow.scan(Scannable.Attr.TERMINATED)).isFalse();

        release.countDown();
        assertThat(slow.asMono().block()).isEqualTo("slow done");
    }

    @Test
    void failsEveryWaitingCallWhenTheConnectionIsLostAndReplacesItOnTheNextCall() {
        AtomicInteger received = new AtomicInteger();
        server = IxRpcServer.create().host("127.0.0.1").loops(1).handle(req -> {
            received.incrementAndGet();
            return peek(req).equals("hang") ? Mono.never() : Mono.just(req.retain());
        }).bindNow();
        pool = connect(IxRpcClient.create().connections(1));

        Mono<ByteBuf> first = pool.call(buf("hang")).cache();
        Mono<ByteBuf> second = pool.call(buf("hang")).cache();
        first.subscribe(r -> { }, e -> { });
        second.subscribe(r -> { }, e -> { });
        await(() -> received.get() == 2);
        pool.channels()[0].close().syncUninterruptibly();

        for (Mono<ByteBuf> lost : List.of(first, second)) {
            StepVerifier.create(lost).expectErrorSatisfies(e ->
                    assertThat(((IxRpcException) e).reason()).isEqualTo(Reason.CONNECTION)).verify();
        }
        StepVerifier.create(pool.call(buf("back")).map(IxRpcTestSupport::text)).expectNext("back").verifyComplete();
    }
}
