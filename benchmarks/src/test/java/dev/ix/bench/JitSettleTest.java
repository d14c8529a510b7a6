package dev.ix.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ix.bench.measure.JitCounts;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class JitSettleTest {

    /** A JVM whose compiler works {@code millis[i]} ms during step {@code i}. */
    private static final class FakeJvm {
        private final double[] millis;
        private long nanos;
        int steps;

        FakeJvm(double... millis) {
            this.millis = millis;
        }

        Optional<JitCounts> read() {
            return Optional.of(new JitCounts(steps, nanos));
        }

        void step() {
            nanos += Math.round(millis[steps++] * 1e6);
        }
    }

    @Test
    void settlesAfterThreeQuietStepsInARow() throws Exception {
        FakeJvm jvm = new FakeJvm(300, 40, 1, 0, 2, 9);

        OptionalDouble unsettled = JitSettle.run(jvm::read, jvm::step, Duration.ofSeconds(20));

        assertThat(unsettled).isEmpty();
        assertThat(jvm.steps).isEqualTo(5);
    }

    @Test
    void aBusyStepBetweenQuietOnesStartsTheCountAgain() throws Exception {
        FakeJvm jvm = new FakeJvm(0, 0, 30, 0, 1, 0, 50);

        JitSettle.run(jvm::read, jvm::step, Duration.ofSeconds(20));

        assertThat(jvm.steps).isEqualTo(6);
    }

    @Test
    void givesUpAtTheLimitWithTheLastStepsCompilationTime() throws Exception {
        FakeJvm jvm = new FakeJvm(300, 200, 0, 0, 40, 1);

        OptionalDouble unsettled = JitSettle.run(jvm::read, jvm::step, Duration.ofSeconds(5));

        assertThat(jvm.steps).isEqualTo(5);
        assertThat(unsettled).hasValue(40.0);
    }

    @Test
    void aServerWithoutCountersIsNotLoadedForNothing() throws Exception {
        int[] steps = new int[1];

        OptionalDouble unsettled = JitSettle.run(Optional::empty, () -> steps[0]++, Duration.ofSeconds(20));

        assertThat(unsettled).isEmpty();
        assertThat(steps[0]).isZero();
    }
}
