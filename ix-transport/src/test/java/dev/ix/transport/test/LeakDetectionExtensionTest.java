package dev.ix.transport.test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Proves that a leaked {@code ByteBuf} fails the build: runs {@link DeliberateLeak} (disabled in normal runs) in
 * a nested JUnit engine and checks that {@link LeakDetectionExtension} failed that class with the leak's record.
 * The leak is consumed by the nested run, so this class itself stays green.
 */
class LeakDetectionExtensionTest {

    @Test
    void failsTheTestClassThatLeaksAByteBuf() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.conditions.deactivate", "org.junit.*DisabledCondition")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(DeliberateLeak.class))
                .execute();

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1).failed(0));
        List<Event> failedClasses = results.containerEvents().failed().list();
        assertThat(failedClasses).hasSize(1);
        Throwable failure = failedClasses.get(0).getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable)
                .orElseThrow();
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
