package dev.ix.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The loop's own accounting: batch-size buckets and busy time. */
class LoopActivityTest {

    @Test
    void bucketsCountTurnsByPowersOfTwoOfTheirCompletions() {
        assertThat(LoopActivity.bucket(0)).isZero();
        assertThat(LoopActivity.bucket(1)).isEqualTo(1);
        assertThat(LoopActivity.bucket(2)).isEqualTo(2);
        assertThat(LoopActivity.bucket(3)).isEqualTo(2);
        assertThat(LoopActivity.bucket(4)).isEqualTo(3);
        assertThat(LoopActivity.bucket(64)).isEqualTo(7);
        assertThat(LoopActivity.bucket(4095)).isEqualTo(12);
        assertThat(LoopActivity.bucket(4096)).isEqualTo(13);
        assertThat(LoopActivity.bucket(Integer.MAX_VALUE)).isEqualTo(LoopActivity.TURN_SIZE_BUCKETS - 1);
        for (int b = 1; b < LoopActivity.TURN_SIZE_BUCKETS - 1; b++) {
            String[] range = LoopActivity.bucketLabel(b).split("-");
            int low = Integer.parseInt(range[0]);
            int high = Integer.parseInt(range[range.length - 1]);
            assertThat(LoopActivity.bucket(low)).isEqualTo(b);
            assertThat(LoopActivity.bucket(high)).isEqualTo(b);
        }
        assertThat(LoopActivity.bucketLabel(13)).isEqualTo("4096+");
    }

    @Test
    void busyTimeIsTheTimeBetweenTurnStartsAndWaits() {
        LoopActivity a = new LoopActivity();
        a.turnStarted(1_000);
        a.turnStarted(1_500);    // a second turn without waiting in between: still busy
        a.waiting(2_000);
        assertThat(a.busyNanos(10_000)).isEqualTo(1_000);
        assertThat(a.busySince()).isEqualTo(LoopActivity.WAITING);
        a.turnStarted(20_000);
        assertThat(a.busyNanos(20_300)).as("the turn in progress counts").isEqualTo(1_300);
        a.turnEnded(5);
        assertThat(a.turns()).isEqualTo(1);
        assertThat(a.completions()).isEqualTo(5);
        assertThat(a.turnSizes()[LoopActivity.bucket(5)]).isEqualTo(1);
    }
}
