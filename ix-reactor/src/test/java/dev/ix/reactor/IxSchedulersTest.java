package dev.ix.reactor;

import dev.ix.transport.test.RequiresIoUring;
import dev.ix.transport.IxLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresIoUring
class IxSchedulersTest {
    private static IxServer server;
    private static volatile Function<Thread, Mono<String>> work;

    @BeforeAll
    static void start() {
        // Each test runs its work inside a handler (on a loop) and gets back the threads it saw.
        server = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> out.sendString(work.apply(Thread.currentThread())))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow();
    }

    private static String runInHandler(Function<Thread, Mono<String>> w) throws Exception {
        work = w;
        try (Socket s = TcpPeer.connect(server.port())) {
            return new String(TcpPeer.readUntilEof(s.getInputStream()), StandardCharsets.UTF_8);
        }
    }

    @Test
    void publishOnCurrentComesBackToTheConnectionsLoop() throws Exception {
        String seen = runInHandler(loop -> {
            Scheduler back = IxSchedulers.current();
            return Mono.fromCallable(() -> Thread.currentThread().getName())
                    .subscribeOn(IxSchedulers.background())
                    .publishOn(back)
                    .map(worker -> worker + " then " + (Thread.currentThread() == loop ? "loop" : "elsewhere"));
        });
        assertThat(seen).startsWith("ix-background-").endsWith(" then loop");
    }

    @Test
    void blockingRunsOffTheLoopAndDeliversOnIt() throws Exception {
        String seen = runInHandler(loop -> IxSchedulers.blocking(() -> {
                    Thread.sleep(20); // blocking is what it is for
                    return Thread.currentThread().getName();
                })
                .map(worker -> worker + " then " + (Thread.currentThread() == loop ? "loop" : "elsewhere")));
        assertThat(seen).startsWith("ix-background-").endsWith(" then loop");
    }

    @Test
    void blockingPassesTheWorksExceptionOn() {
        StepVerifier.create(IxSchedulers.blocking(() -> {
                    throw new IllegalStateException("work failed (expected by this test)");
                }))
                .expectErrorMessage("work failed (expected by this test)")
                .verify();
    }

    @Test
    void delayedTasksOnALoopSchedulerRunOnThatLoop() throws Exception {
        IxLoop loop = IxLoop.allOf(server.loops()).getFirst();
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        IxSchedulers.of(loop.executor()).schedule(() -> ran.complete(Thread.currentThread()), 10,
                TimeUnit.MILLISECONDS);
        assertThat(ran.get(10, TimeUnit.SECONDS).getName()).isEqualTo(loop.threadName());
    }

    @Test
    void disposingASharedSchedulerLeavesItWorking() throws Exception {
        IxLoop loop = IxLoop.allOf(server.loops()).getFirst();
        Scheduler s = IxSchedulers.of(loop.executor());
        s.dispose();
        assertThat(s.isDisposed()).isFalse();
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        s.schedule(() -> ran.complete(true));
        assertThat(ran.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void currentOffALoopSaysWhatToDo() {
        assertThatThrownBy(IxSchedulers::current)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no ix loop thread");
    }
}
