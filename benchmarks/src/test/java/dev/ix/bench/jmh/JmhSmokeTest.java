package dev.ix.bench.jmh;

import dev.ix.transport.IxTransport;
import dev.ix.transport.mbuf.MbufPool;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openjdk.jmh.infra.Control;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs each benchmark method once, with its set-up and tear-down called by hand, and checks that it did the work
 * it claims: slots go back, completions are reaped, requests are decoded. No timing.
 */
class JmhSmokeTest {
    private final MbufPoolBenchmark pool = new MbufPoolBenchmark();

    @Test
    void ownerReceiveReleaseReturnsTheSlotAtOnce() {
        MbufPoolBenchmark.Owner owner = new MbufPoolBenchmark.Owner();
        owner.open();
        MbufPool mbufs = owner.path.pool();

        assertThat(pool.ownerReceiveRelease(owner)).isEqualTo(Requests.WRK.length());
        assertThat(pool.ownerReceiveRelease(owner)).isEqualTo(Requests.WRK.length());

        assertThat(mbufs.received()).isEqualTo(2);
        assertThat(mbufs.inUse()).isZero();
        assertThat(owner.path.freeSlots()).isEqualTo(MbufPoolBenchmark.SLOT_COUNT);
        owner.close(); // throws if a slot were still held
        assertThat(mbufs.isClosed()).isTrue();
    }

    @Test
    void handoffReleasesOnAnotherThreadAndTheLoopTakesTheSlotBack() throws InterruptedException {
        MbufPoolBenchmark.Handoff handoff = new MbufPoolBenchmark.Handoff();
        MbufPoolBenchmark.Loop loop = new MbufPoolBenchmark.Loop();
        loop.open(handoff);
        ReceivePath path = handoff.path;
        Control control = new Control();

        assertThat(pool.handoffProduce(loop, handoff, control)).isTrue();
        assertThat(handoff.queue.size()).isEqualTo(1);
        assertThat(path.pool().inUse()).isEqualTo(1);

        AtomicReference<Boolean> released = new AtomicReference<>();
        Thread app = Thread.ofPlatform().name("app").start(() -> released.set(pool.handoffRelease(handoff, control)));
        app.join();
        assertThat(released.get()).isTrue();
        assertThat(handoff.queue.isEmpty()).isTrue();
        // Released off the loop: still counted until the loop drains the pool's foreign-release queue.
        assertThat(path.pool().inUse()).isEqualTo(1);
        assertThat(path.drainForeignReleases()).isEqualTo(1);
        assertThat(path.pool().inUse()).isZero();
        assertThat(path.freeSlots()).isEqualTo(MbufPoolBenchmark.SLOT_COUNT);

        handoff.close();
        assertThat(path.pool().isClosed()).isTrue();
    }

    @Test
    void handoffTearDownReleasesWhatIsStillQueued() {
        MbufPoolBenchmark.Handoff handoff = new MbufPoolBenchmark.Handoff();
        MbufPoolBenchmark.Loop loop = new MbufPoolBenchmark.Loop();
        loop.open(handoff);
        ReceivePath path = handoff.path;
        Control control = new Control();
        for (int i = 0; i < 3; i++) {
            assertThat(pool.handoffProduce(loop, handoff, control)).isTrue();
        }
        assertThat(path.pool().inUse()).isEqualTo(3);

        handoff.close(); // throws if a slot were still held

        assertThat(path.pool().inUse()).isZero();
        assertThat(path.pool().isClosed()).isTrue();
    }

    @Test
    void handoffSidesStopWaitingWhenTheIterationEnds() {
        MbufPoolBenchmark.Handoff handoff = new MbufPoolBenchmark.Handoff();
        MbufPoolBenchmark.Loop loop = new MbufPoolBenchmark.Loop();
        loop.open(handoff);
        Control control = new Control();
        control.stopMeasurement = true;

        // Nothing queued: the application side gives up instead of spinning forever.
        assertThat(pool.handoffRelease(handoff, control)).isFalse();
        // Queue full: the loop side gives its view back instead of spinning forever.
        for (int i = 0; i < MbufPoolBenchmark.HANDOFF_CAPACITY; i++) {
            assertThat(pool.handoffProduce(loop, handoff, control)).isTrue();
        }
        assertThat(pool.handoffProduce(loop, handoff, control)).isFalse();
        assertThat(handoff.path.pool().inUse()).isEqualTo(MbufPoolBenchmark.HANDOFF_CAPACITY);

        handoff.close();
    }

    @Test
    void ringNopsAreSubmittedAndReapedWithOneEnterPerCall() throws Exception {
        requireIoUring();
        RingBenchmark ring = new RingBenchmark();
        ring.open();
        try {
            assertThat(ring.nop()).isEqualTo(1);
            assertThat(ring.ring.completed()).isEqualTo(1);
            assertThat(ring.ring.enterCalls()).isEqualTo(1);

            assertThat(ring.nopBatch()).isEqualTo(RingBenchmark.BATCH);
            assertThat(ring.ring.completed()).isEqualTo(1 + RingBenchmark.BATCH);
            assertThat(ring.ring.enterCalls()).isEqualTo(2);
            assertThat(ring.ring.failed()).isZero();
        } finally {
            ring.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"wrk, direct, localhost:8080", "wrk, mbuf, localhost:8080", "tfb, direct, tfb-server:8080",
        "tfb, mbuf, tfb-server:8080"})
    void httpDecodeDecodesOneWholeRequestPerCall(String request, String source, String host) {
        HttpDecodeBenchmark http = new HttpDecodeBenchmark();
        http.request = request;
        http.source = source;
        http.open();
        try {
            assertThat(http.decode()).isEqualTo(1);
            assertThat(http.decode()).isEqualTo(2);

            RequestSink sink = http.sink();
            assertThat(sink.lastContents()).isEqualTo(2);
            assertThat(sink.failures()).isZero();
            HttpRequest last = sink.lastRequest();
            assertThat(last.method()).isEqualTo(HttpMethod.GET);
            assertThat(last.uri()).isEqualTo("/plaintext");
            assertThat(last.headers().get(HttpHeaderNames.HOST)).isEqualTo(host);
            if (http.mbufs() != null) {
                // The decoder released each view once it had read it: the slot is back.
                assertThat(http.mbufs().pool().inUse()).isZero();
            }
        } finally {
            http.close();
        }
    }

    /** Skips without io_uring, or fails when the build asks for it ({@code -Ddev.ix.test.requireIoUring=true}). */
    private static void requireIoUring() {
        if (IxTransport.isAvailable()) {
            return;
        }
        String why = "io_uring is unavailable: " + IxTransport.unavailabilityCause();
        if (Boolean.getBoolean("dev.ix.test.requireIoUring")) {
            fail(why);
        }
        assumeTrue(false, why);
    }
}
