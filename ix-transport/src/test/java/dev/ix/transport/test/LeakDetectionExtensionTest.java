package dev.ix.transport.test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that a leaked {@code ByteBuf} fails the build: runs {@link DeliberateLeak} (disabled in normal runs) in
 * a nested JUnit engine ({@link DeliberateLeaks}) and checks that {@link LeakDetectionExtension} failed that class
 * with the leak's record. The leak is consumed by the nested run, so this class itself stays green.
 */
class LeakDetectionExtensionTest {

    @Test
    void failsTheTestClassThatLeaksAByteBuf() {
        Throwable failure = DeliberateLeaks.classFailureOf(DeliberateLeak.class);
        assertThat(failure)
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Netty reported 1 resource leak(s) by the end of")
                .hasMessageContaining("LEAK: ByteBuf.release() was not called")
                .hasMessageContaining(DeliberateLeak.class.getName() + ".leaksAByteBuf");
    }

    /** Leaks one buffer. Not a test of its own: {@link LeakDetectionExtensionTest} runs it with @Disabled off. */
    @Disabled("leaks a ByteBuf on purpose; run only by LeakDetectionExtensionTest")
    static class DeliberateLeak {

        @Test
        void leaksAByteBuf() {
            ByteBuf leaked = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
            leaked.writeLong(0x1eaced_b0ffL);
            // no leaked.release(): LeakDetectionExtension must fail this class
        }
    }
}
