package dev.ix.reactor.test;

import dev.ix.transport.test.DeliberateLeaks;
import dev.ix.transport.test.LeakDetectionExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that ix-reactor's tests fail on a Netty leak report as ix-transport's do: ix-reactor registers
 * {@link LeakDetectionExtension} (from ix-transport's test-jar) in its own {@code META-INF/services}, and a class
 * that leaks a {@code ByteBuf} fails. The leaking class runs in a nested engine, so this class stays green.
 */
class LeakDetectionRegistrationTest {

    @Test
    void failsAnIxReactorTestClassThatLeaksAByteBuf() {
        Throwable failure = DeliberateLeaks.classFailureOf(DeliberateLeak.class);
        assertThat(failure)
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Netty reported 1 resource leak(s) by the end of")
                .hasMessageContaining(DeliberateLeak.class.getName() + ".leaksAByteBuf");
    }

    /** Leaks one buffer; run only by {@link LeakDetectionRegistrationTest}, with {@code @Disabled} off. */
    @Disabled("leaks a ByteBuf on purpose; run only by LeakDetectionRegistrationTest")
    static class DeliberateLeak {

        @Test
        void leaksAByteBuf() {
            ByteBuf leaked = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
            leaked.writeLong(0x1eaced_b0ffL);
        }
    }
}
