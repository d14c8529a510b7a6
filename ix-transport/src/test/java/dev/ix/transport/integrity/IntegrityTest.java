package dev.ix.transport.integrity;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.channel.epoll.Epoll;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end integrity suite (issue 9): every change to the transport must pass it. Many concurrent connections
 * carry pseudo-random streams cut in random chunks (1 B to 256 KiB); the SHA-256 of every stream is compared end to
 * end; bytes sent must equal bytes verified; no pipeline may raise; every connection must close; every ix pool must
 * be full again and its loops must stop without a leak warning.
 *
 * <p>Each {@link Variant} runs in each {@link Permutation} (ix↔ix, ix server↔epoll client, epoll server↔ix client).
 * The streams' {@link Flow flows} cover the closing contracts: echo with half-close, and push or upload ended by
 * {@code close()} right after the last flush, by {@code writeAndFlush(last).addListener(CLOSE)}, or by
 * {@code shutdownOutput()} right after the last flush.
 *
 * <p>Sized for CI ({@link Sizing#CI}); {@code -Ddev.ix.test.integrity.long=true} runs {@link Sizing#LONG}. A failure
 * names its seed: {@code -Ddev.ix.test.integrity.seed=N} repeats the same streams, and
 * {@code -Ddev.ix.test.integrity.only=TEXT} runs only the runs whose name contains {@code TEXT}.
 */
@RequiresIoUring
class IntegrityTest {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IntegrityTest.class);

    @BeforeAll
    static void epollIsThere() {
        assertThat(Epoll.isAvailable()).as("Netty epoll, the peer of ix here: %s", Epoll.unavailabilityCause())
                .isTrue();
    }

    /** System property: run only the runs whose name ("variant: permutation") contains this text. */
    static final String ONLY_PROP_NAME = "dev.ix.test.integrity.only";

    static Stream<Arguments> runs() {
        String only = System.getProperty(ONLY_PROP_NAME, "");
        return Variant.ALL.stream().flatMap(v -> Permutation.current().stream()
                .filter(p -> (v + ": " + p).contains(only)).map(p -> Arguments.of(v, p)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("runs")
    void everyStreamArrivesIntact(Variant variant, Permutation permutation) throws InterruptedException {
        IntegrityRun run = new IntegrityRun(permutation, variant, Sizing.current(), Sizing.seed()).run();
        logger.info("integrity: {}", run.summary());
        assertThat(run.problems()).as("%s", run.summary()).isEmpty();
    }
}
