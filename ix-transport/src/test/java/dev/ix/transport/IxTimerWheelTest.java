package dev.ix.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Drives the wheel with a fake clock (a plain long): no sleeps, no wall-clock assertions. */
class IxTimerWheelTest {
    private static final long TICK = 1_000_000L;
    private static final int SIZE = 16;
    private static final long REVOLUTION = TICK * SIZE;

    private final IxTimerWheel wheel = new IxTimerWheel(TICK, SIZE, 0);

    @Test
    void firesAtItsDeadlineAndNotOneNanosecondBefore() {
        RecordingTimer timer = new RecordingTimer();
        wheel.schedule(timer, 5 * TICK, 0);

        assertThat(wheel.expire(5 * TICK - 1)).isZero();
        assertThat(timer.isScheduled()).isTrue();
        assertThat(wheel.expire(5 * TICK)).isEqualTo(1);
        assertThat(timer.firedAt).containsExactly(5 * TICK);
        assertThat(timer.isScheduled()).isFalse();
        assertThat(wheel.size()).isZero();
    }

    @Test
    void roundsAnUnalignedDeadlineUpToTheEndOfItsTick() {
        RecordingTimer timer = new RecordingTimer();
        wheel.schedule(timer, 2 * TICK, TICK / 3);
        long deadline = TICK / 3 + 2 * TICK;
        assertThat(timer.deadlineNanos()).isEqualTo(deadline);

        assertThat(wheel.expire(deadline - 1)).isZero();
        assertThat(wheel.expire(deadline)).as("the deadline's tick has not ended yet").isZero();
        assertThat(wheel.expire(3 * TICK - 1)).isZero();
        assertThat(wheel.expire(3 * TICK)).isEqualTo(1);
    }

    @Test
    void firesEveryTimerOfABucketInOneCall() {
        List<RecordingTimer> timers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            RecordingTimer timer = new RecordingTimer();
            wheel.schedule(timer, 3 * TICK - i, 0);
            timers.add(timer);
        }
        assertThat(wheel.expire(3 * TICK - 1)).isZero();
        assertThat(wheel.expire(3 * TICK)).isEqualTo(100);
        assertThat(timers).allSatisfy(timer -> assertThat(timer.firedAt).containsExactly(3 * TICK));
    }

    @Test
    void firesTimersSeveralRevolutionsAheadAtTheirRevolutionNotOneEarlier() {
        RecordingTimer near = new RecordingTimer();
        RecordingTimer threeRevolutions = new RecordingTimer();
        wheel.schedule(near, 4 * TICK, 0);
        wheel.schedule(threeRevolutions, 3 * REVOLUTION + 4 * TICK, 0); // same bucket as `near`

        long now = 0;
        int fired = 0;
        while (now < 3 * REVOLUTION + 4 * TICK - TICK / 2) {
            now += TICK / 2;
            fired += wheel.expire(now);
        }
        assertThat(fired).isEqualTo(1);
        assertThat(near.firedAt).containsExactly(4 * TICK);
        assertThat(threeRevolutions.isScheduled()).isTrue();

        assertThat(wheel.expire(3 * REVOLUTION + 4 * TICK)).isEqualTo(1);
        assertThat(threeRevolutions.firedAt).containsExactly(3 * REVOLUTION + 4 * TICK);
    }

    @Test
    void cancelledTimerDoesNotFireAndCancelReturnsFalseTheSecondTime() {
        RecordingTimer cancelled = new RecordingTimer();
        RecordingTimer kept = new RecordingTimer();
        wheel.schedule(cancelled, TICK, 0);
        wheel.schedule(kept, TICK, 0);

        assertThat(cancelled.cancel()).isTrue();
        assertThat(cancelled.cancel()).isFalse();
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(wheel.expire(10 * TICK)).isEqualTo(1);
        assertThat(cancelled.firedAt).isEmpty();
        assertThat(kept.cancel()).as("already fired").isFalse();
        assertThat(new RecordingTimer().cancel()).as("never scheduled").isFalse();
    }

    @Test
    void reschedulingMovesATimerLaterAndEarlier() {
        RecordingTimer timer = new RecordingTimer();
        wheel.schedule(timer, 2 * TICK, 0);
        wheel.schedule(timer, 9 * TICK, 0);
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(wheel.expire(8 * TICK)).isZero();
        assertThat(wheel.expire(9 * TICK)).isEqualTo(1);

        wheel.schedule(timer, 2 * REVOLUTION, 9 * TICK);
        wheel.schedule(timer, TICK, 9 * TICK);
        assertThat(wheel.expire(10 * TICK)).isEqualTo(1);
        assertThat(timer.firedAt).containsExactly(9 * TICK, 10 * TICK);
        assertThat(wheel.expire(3 * REVOLUTION)).isZero();
    }

    @Test
    void periodicTimerReschedulesItselfFromExpired() {
        RecordingTimer periodic = new RecordingTimer();
        periodic.onExpired = now -> wheel.schedule(periodic, 3 * TICK, now);
        wheel.schedule(periodic, 3 * TICK, 0);

        for (long now = 0; now <= 30 * TICK; now += TICK) {
            wheel.expire(now);
        }
        assertThat(periodic.firedAt).hasSize(10).allSatisfy(at -> assertThat(at % (3 * TICK)).isZero());
        assertThat(periodic.isScheduled()).isTrue();
    }

    @Test
    void timerRescheduledForNowFromExpiredFiresAtTheNextCallNotTheSameOne() {
        RecordingTimer again = new RecordingTimer();
        again.onExpired = now -> wheel.schedule(again, 0, now);
        RecordingTimer past = new RecordingTimer();
        past.onExpired = now -> wheel.schedule(past, -TICK, now);
        wheel.schedule(again, TICK, 0);
        wheel.schedule(past, TICK, 0);

        assertThat(wheel.expire(TICK)).isEqualTo(2);
        assertThat(wheel.expire(TICK)).isEqualTo(2);
        assertThat(wheel.expire(TICK + 1)).isEqualTo(2);
        assertThat(again.firedAt).containsExactly(TICK, TICK, TICK + 1);
        assertThat(past.firedAt).containsExactly(TICK, TICK, TICK + 1);
    }

    @Test
    void negativeDelayFiresAtTheNextExpireCall() {
        RecordingTimer timer = new RecordingTimer();
        wheel.expire(5 * TICK + 10);
        wheel.schedule(timer, -1, 5 * TICK + 20);

        assertThat(timer.deadlineNanos()).isEqualTo(5 * TICK + 19);
        assertThat(wheel.nanosUntilNextDeadline(5 * TICK + 20)).isZero();
        assertThat(wheel.expire(5 * TICK + 20)).isEqualTo(1);
    }

    @Test
    void timerThatThrowsDoesNotStopTheOthers() {
        RecordingTimer before = new RecordingTimer();
        RecordingTimer thrower = new RecordingTimer();
        thrower.onExpired = now -> {
            throw new IllegalStateException("expected by the test");
        };
        RecordingTimer after = new RecordingTimer();
        wheel.schedule(before, TICK, 0);
        wheel.schedule(thrower, TICK, 0);
        wheel.schedule(after, TICK, 0);
        wheel.schedule(new RecordingTimer(), 2 * TICK, 0);

        assertThat(wheel.expire(2 * TICK)).isEqualTo(4);
        assertThat(before.firedAt).hasSize(1);
        assertThat(after.firedAt).hasSize(1);
        assertThat(wheel.size()).isZero();
    }

    @Test
    void expireCalledFromExpiredIsRejected() {
        RecordingTimer reentrant = new RecordingTimer();
        List<Throwable> failures = new ArrayList<>();
        reentrant.onExpired = now -> {
            try {
                wheel.expire(now);
            } catch (IllegalStateException e) {
                failures.add(e);
            }
        };
        wheel.schedule(reentrant, 0, 0);
        wheel.expire(TICK);
        assertThat(failures).singleElement().extracting(Throwable::getMessage).asString().contains("not re-entrant");
    }

    @Test
    void nanosUntilNextDeadlineIsMinusOneWhenEmptyAndBoundsTheEarliestTimer() {
        assertThat(wheel.nanosUntilNextDeadline(0)).isEqualTo(-1);

        RecordingTimer timer = new RecordingTimer();
        wheel.schedule(timer, 5 * TICK, 0);
        assertThat(wheel.nanosUntilNextDeadline(0)).isEqualTo(5 * TICK);
        assertThat(wheel.nanosUntilNextDeadline(2 * TICK + 7)).isEqualTo(3 * TICK - 7);
        assertThat(wheel.nanosUntilNextDeadline(9 * TICK)).as("overdue, expire not called yet").isZero();

        timer.cancel();
        assertThat(wheel.nanosUntilNextDeadline(0)).isEqualTo(-1);
    }

    @Test
    void nanosUntilNextDeadlineFindsBucketsAcrossBitmapWords() {
        IxTimerWheel large = new IxTimerWheel(TICK, 256, 0);
        large.expire(200 * TICK);
        large.schedule(new RecordingTimer(), 100 * TICK, 200 * TICK); // bucket 44: wraps past the last word

        assertThat(large.nanosUntilNextDeadline(200 * TICK)).isEqualTo(100 * TICK);
        assertThat(large.expire(300 * TICK - 1)).isZero();
        assertThat(large.expire(300 * TICK)).isEqualTo(1);
    }

    @Test
    void idleLoopWithManyFarTimersSleepsInsteadOfWakingEveryTick() {
        // 1000 keep-alive connections idle for 60 s, deadlines 1 ms apart: every bucket of the default wheel is used.
        IxTimerWheel defaults = IxTimerWheel.withDefaults(0);
        long tick = defaults.tickNanos();
        long revolution = tick * defaults.wheelSize();
        long idle = 60_000 * tick;
        List<RecordingTimer> timers = idleConnections(defaults, idle, 0);

        long bound = defaults.nanosUntilNextDeadline(0);
        assertThat(bound).as("sleeps at least about a revolution").isGreaterThanOrEqualTo(revolution - tick)
                .as("but not past the first deadline").isLessThanOrEqualTo(idle)
                .as("and in fact until it: the wheel knows its far timers' floor").isEqualTo(idle);

        IdleLoop loop = new IdleLoop(defaults, 0);
        loop.runUntilAFire();
        assertThat(loop.wakeUps).as("wake-ups before the first fire, not one per bucket or tick")
                .isLessThanOrEqualTo((int) (idle / revolution) + 1)
                .isEqualTo(1);
        assertThat(loop.now).isEqualTo(idle);
        assertThat(timers.get(0).firedAt).containsExactly(idle);

        while (defaults.size() > 0) {
            loop.runUntilAFire();
        }
        assertThat(loop.wakeUps).as("one wake-up per deadline").isEqualTo(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(timers.get(i).firedAt).as("timer %d fires at its deadline, not later", i)
                    .containsExactly(idle + i * tick);
        }
    }

    @Test
    void farTimersWakeTheLoopAboutOncePerRevolutionEvenWhenCancellationsLeftTheFloorStale() {
        IxTimerWheel defaults = IxTimerWheel.withDefaults(0);
        long tick = defaults.tickNanos();
        long revolution = tick * defaults.wheelSize();
        long idle = 60_000 * tick;
        idleConnections(defaults, idle, 0);
        // Timers far away but then cancelled, or moved later (a keep-alive reset), leave a stale floor.
        defaults.schedule(() -> { }, 2 * revolution, 0).cancel();
        RecordingTimer reset = new RecordingTimer();
        defaults.schedule(reset, 3 * revolution, 0);
        defaults.schedule(reset, 2 * idle, 0);

        IdleLoop loop = new IdleLoop(defaults, 0);
        assertThat(defaults.nanosUntilNextDeadline(0)).isEqualTo(2 * revolution);
        loop.runUntilAFire();
        assertThat(loop.wakeUps).isLessThanOrEqualTo((int) (idle / revolution) + 1).isEqualTo(2);
        assertThat(loop.now).isEqualTo(idle);

        // 1000 more idle connections, and a cancelled far timer. A busy loop calls expire every tick for a while, the
        // floor goes stale behind the cursor; idle again, the loop wakes a revolution later (a jump that recomputes
        // the floor), then at the next deadline.
        idleConnections(defaults, idle, idle);
        defaults.schedule(() -> { }, 2 * revolution, idle).cancel();
        long now = idle;
        for (; now < idle + 3 * revolution; now += tick) {
            defaults.expire(now);
        }
        defaults.expire(now);
        long bound = defaults.nanosUntilNextDeadline(now);
        assertThat(bound).isBetween(revolution - tick, revolution + tick);
        now += bound;
        assertThat(defaults.expire(now)).isZero();
        assertThat(defaults.nanosUntilNextDeadline(now)).isEqualTo(2 * idle - now);
    }

    @Test
    void nearTimerAmongFarOnesBoundsTheSleepExactly() {
        IxTimerWheel defaults = IxTimerWheel.withDefaults(0);
        long tick = defaults.tickNanos();
        long revolution = tick * defaults.wheelSize();
        long idle = 60_000 * tick;
        idleConnections(defaults, idle, 0);
        RecordingTimer near = new RecordingTimer();
        defaults.schedule(near, 5 * tick, 0);

        assertThat(defaults.nanosUntilNextDeadline(0)).isEqualTo(5 * tick);
        assertThat(defaults.nanosUntilNextDeadline(2 * tick)).isEqualTo(3 * tick);
        IdleLoop loop = new IdleLoop(defaults, 0);
        loop.runUntilAFire();
        assertThat(loop.wakeUps).isEqualTo(1);
        assertThat(near.firedAt).containsExactly(5 * tick);
        assertThat(defaults.nanosUntilNextDeadline(loop.now)).isGreaterThanOrEqualTo(revolution - tick)
                .isEqualTo(idle - 5 * tick);

        // Near again, in the bucket of the far timer due at `idle` (tick 60000, bucket 96): only it counts as due.
        defaults.schedule(near, 96 * tick - loop.now, loop.now);
        assertThat(defaults.nanosUntilNextDeadline(loop.now)).isEqualTo(96 * tick - loop.now);
        near.cancel();
        assertThat(defaults.nanosUntilNextDeadline(loop.now)).isEqualTo(idle - loop.now);

        // A far timer before the others lowers the floor; cancelled, it leaves it stale: early, still a lower bound.
        defaults.schedule(near, idle - revolution - loop.now, loop.now);
        assertThat(defaults.nanosUntilNextDeadline(loop.now)).isEqualTo(idle - revolution - loop.now);
        near.cancel();
        assertThat(defaults.nanosUntilNextDeadline(loop.now)).isEqualTo(idle - revolution - loop.now);
    }

    @Test
    void farTimerBecomesExactWithinTheLastRevolutionWhenTheLoopTicks() {
        RecordingTimer far = new RecordingTimer();
        wheel.schedule(far, 5 * REVOLUTION + 3 * TICK, 0);
        for (long now = 0; now < 5 * REVOLUTION + 3 * TICK; now += TICK) {
            wheel.expire(now);
            long bound = wheel.nanosUntilNextDeadline(now);
            assertThat(bound).isLessThanOrEqualTo(5 * REVOLUTION + 3 * TICK - now)
                    .isGreaterThanOrEqualTo(Math.min(REVOLUTION, 5 * REVOLUTION + 3 * TICK - now));
            if (now >= 4 * REVOLUTION + 3 * TICK) {
                assertThat(bound).isEqualTo(5 * REVOLUTION + 3 * TICK - now);
            }
        }
        assertThat(wheel.expire(5 * REVOLUTION + 3 * TICK)).isEqualTo(1);
        assertThat(wheel.nanosUntilNextDeadline(5 * REVOLUTION + 3 * TICK)).isEqualTo(-1);
    }

    @Test
    void bigTimeJumpFiresEverythingDueInOneCallAndKeepsTheRest() {
        List<RecordingTimer> due = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RecordingTimer timer = new RecordingTimer();
            wheel.schedule(timer, i * REVOLUTION / 2 + i, 0);
            due.add(timer);
        }
        RecordingTimer exactlyAtTheJump = new RecordingTimer();
        wheel.schedule(exactlyAtTheJump, 100 * REVOLUTION, 0);
        RecordingTimer later = new RecordingTimer();
        wheel.schedule(later, 150 * REVOLUTION + 3 * TICK, 0);

        long now = 100 * REVOLUTION;
        assertThat(wheel.expire(now)).isEqualTo(201);
        assertThat(exactlyAtTheJump.firedAt).containsExactly(now);
        assertThat(due).allSatisfy(timer -> assertThat(timer.firedAt).hasSize(1));
        assertThat(wheel.nanosUntilNextDeadline(now)).isEqualTo(50 * REVOLUTION + 3 * TICK);

        assertThat(wheel.expire(150 * REVOLUTION + 3 * TICK - 1)).isZero();
        assertThat(wheel.expire(150 * REVOLUTION + 3 * TICK)).isEqualTo(1);
    }

    @Test
    void worksAcrossTheNanoTimeOverflow() {
        long start = Long.MAX_VALUE - 2 * TICK - 300;
        IxTimerWheel wrapping = new IxTimerWheel(TICK, SIZE, start);
        RecordingTimer timer = new RecordingTimer();
        wrapping.schedule(timer, 5 * TICK, start);
        long deadline = start + 5 * TICK;
        assertThat(deadline).isNegative();

        assertThat(wrapping.nanosUntilNextDeadline(start + TICK)).isEqualTo(4 * TICK);
        assertThat(wrapping.expire(start + 3 * TICK)).isZero();
        assertThat(wrapping.expire(deadline - 1)).isZero();
        assertThat(wrapping.expire(deadline)).isEqualTo(1);
        assertThat(timer.firedAt).containsExactly(deadline);
    }

    @Test
    void schedulingATimerOfAnotherWheelThrows() {
        IxTimerWheel other = new IxTimerWheel(TICK, SIZE, 0);
        RecordingTimer timer = new RecordingTimer();
        other.schedule(timer, TICK, 0);

        assertThatThrownBy(() -> wheel.schedule(timer, TICK, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("scheduled on another IxTimerWheel");
        timer.cancel();
        wheel.schedule(timer, TICK, 0);
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(other.size()).isZero();
    }

    @Test
    void runnableTaskRunsOnceAndCanBeCancelled() {
        int[] runs = new int[1];
        wheel.schedule(() -> runs[0]++, TICK, 0);
        IxTimer cancelled = wheel.schedule(() -> runs[0] += 100, TICK, 0);
        assertThat(cancelled.cancel()).isTrue();

        assertThat(wheel.expire(5 * TICK)).isEqualTo(1);
        assertThat(wheel.expire(50 * TICK)).isZero();
        assertThat(runs[0]).isEqualTo(1);
    }

    @Test
    void cancelAllUnschedulesEveryTimerWithoutFiringIt() {
        RecordingTimer pending = new RecordingTimer();
        RecordingTimer bucketed = new RecordingTimer();
        wheel.schedule(pending, -1, 0);
        wheel.schedule(bucketed, 7 * REVOLUTION, 0);

        assertThat(wheel.cancelAll()).isEqualTo(2);
        assertThat(wheel.size()).isZero();
        assertThat(pending.isScheduled()).isFalse();
        assertThat(bucketed.isScheduled()).isFalse();
        assertThat(wheel.nanosUntilNextDeadline(0)).isEqualTo(-1);
        assertThat(wheel.expire(10 * REVOLUTION)).isZero();
    }

    @Test
    void constructorRejectsOutOfRangeValuesWithTheExpectedRange() {
        assertThatThrownBy(() -> new IxTimerWheel(5, SIZE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tickNanos: 5 (expected: >= 1000)");
        assertThatThrownBy(() -> new IxTimerWheel(TICK, 100, 0))
                .hasMessage("wheelSize: 100 (expected: a power of two in 16..65536)");
        assertThatThrownBy(() -> new IxTimerWheel(TICK, 8, 0))
                .hasMessage("wheelSize: 8 (expected: a power of two in 16..65536)");
        assertThatThrownBy(() -> new IxTimerWheel(TICK, 131072, 0))
                .hasMessage("wheelSize: 131072 (expected: a power of two in 16..65536)");
        IxTimerWheel defaults = IxTimerWheel.withDefaults(42);
        assertThat(defaults.tickNanos()).isEqualTo(1_000_000L);
        assertThat(defaults.wheelSize()).isEqualTo(512);
    }

    /**
     * Thousands of random schedule / reschedule / cancel / clock-advance / expire operations, some timers re-arming
     * themselves from {@code expired}, checked against a model that only knows the rule: a timer fires at the first
     * {@code expire(now)} with {@code now} at or past the end of its deadline's tick (negative delay: the next call).
     */
    @ParameterizedTest
    @CsvSource({"0, 1000, 16, 1", "-7777777, 1000, 128, 2", "9223372036854000000, 1000, 64, 3",
            "-9223372036854775000, 1000000, 1024, 4", "123456789, 1000, 65536, 5"})
    void randomOperationsMatchAReferenceModel(long start, long tick, int wheelSize, long seed) {
        new ModelHarness(start, tick, wheelSize, seed).run(20_000);
    }

    private static final class ModelHarness {
        private final Random random;
        private final long start;
        private final long tick;
        private final long revolution;
        private final IxTimerWheel wheel;
        /** Timer to the end of the tick it fires at, relative to start; Long.MIN_VALUE: at the next expire call. */
        private final Map<ModelTimer, Long> model = new HashMap<>();
        private final List<ModelTimer> firedThisCall = new ArrayList<>();
        private final ModelTimer[] timers = new ModelTimer[500];
        private final int wheelSize;
        private long now;
        /** The tick the wheel's cursor is at: that of the latest expire call. */
        private long cursorTick;
        private HashSet<ModelTimer> expectedThisCall = new HashSet<>();
        /** Assertion failures inside expired(), which the wheel would otherwise catch and log. */
        private final List<Throwable> callbackFailures = new ArrayList<>();

        ModelHarness(long start, long tick, int wheelSize, long seed) {
            this.random = new Random(seed);
            this.start = start;
            this.tick = tick;
            this.revolution = tick * wheelSize;
            this.wheelSize = wheelSize;
            this.wheel = new IxTimerWheel(tick, wheelSize, start);
            this.now = start;
            for (int i = 0; i < timers.length; i++) {
                timers[i] = new ModelTimer(random.nextInt(4) == 0);
            }
        }

        void run(int operations) {
            int fired = 0;
            for (int op = 0; op < operations; op++) {
                int kind = random.nextInt(100);
                ModelTimer timer = timers[random.nextInt(timers.length)];
                if (kind < 40) {
                    schedule(timer, randomDelay());
                } else if (kind < 50) {
                    assertThat(timer.cancel()).isEqualTo(model.remove(timer) != null);
                } else if (kind < 60) {
                    now += random.nextLong(2 * tick); // time passes, the loop has not looked yet
                } else {
                    now += randomAdvance();
                    fired += expireAndCheck();
                }
                assertThat(wheel.size()).isEqualTo(model.size());
                assertThat(timer.isScheduled()).isEqualTo(model.containsKey(timer));
            }
            assertThat(fired).as("the run exercised firing").isGreaterThan(operations / 10);
        }

        private int expireAndCheck() {
            checkNanosUntilNextDeadline();
            long nowRel = now - start;
            expectedThisCall = new HashSet<>();
            model.forEach((timer, fireRel) -> {
                if (fireRel <= nowRel) {
                    expectedThisCall.add(timer);
                }
            });
            firedThisCall.clear();
            int fired = wheel.expire(now);
            cursorTick = Math.max(cursorTick, Math.floorDiv(nowRel, tick));
            if (!callbackFailures.isEmpty()) {
                throw new AssertionError("expired() failed at now - start = " + nowRel, callbackFailures.get(0));
            }
            assertThat(firedThisCall).as("fired at now - start = %d", nowRel)
                    .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedThisCall);
            assertThat(fired).isEqualTo(expectedThisCall.size());
            checkNanosUntilNextDeadline();
            return fired;
        }

        private void checkNanosUntilNextDeadline() {
            long bound = wheel.nanosUntilNextDeadline(now);
            if (model.isEmpty()) {
                assertThat(bound).isEqualTo(-1);
                return;
            }
            long earliest = model.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            long nowRel = now - start;
            long untilEarliest = earliest == Long.MIN_VALUE ? 0 : Math.max(0, earliest - nowRel);
            assertThat(bound).as("a lower bound").isBetween(0L, untilEarliest);
            // Tight: exact within a revolution of the cursor, else at least until a revolution after its next tick.
            long revolutionAhead = (cursorTick + wheelSize) * tick;
            if (earliest <= revolutionAhead) {
                assertThat(bound).as("exact within a revolution").isEqualTo(untilEarliest);
            } else {
                assertThat(bound).as("sleeps past the revolution")
                        .isGreaterThanOrEqualTo(Math.max(0, revolutionAhead + tick - nowRel));
            }
        }

        private void schedule(ModelTimer timer, long delay) {
            wheel.schedule(timer, delay, now);
            model.put(timer, delay < 0 ? Long.MIN_VALUE : Math.ceilDiv(now + delay - start, tick) * tick);
        }

        private long randomDelay() {
            int kind = random.nextInt(10);
            return switch (kind) {
                case 0 -> -1 - random.nextLong(3 * tick);
                case 1 -> 0;
                case 2 -> random.nextLong(1, 20) * tick;
                case 3, 4, 5 -> random.nextLong(3 * tick);
                case 6, 7 -> random.nextLong(2 * revolution);
                default -> random.nextLong(50 * revolution);
            };
        }

        private long randomAdvance() {
            int kind = random.nextInt(100);
            if (kind < 10) {
                return 0;
            } else if (kind < 20) {
                return random.nextLong(1, 4) * tick;
            } else if (kind < 70) {
                return random.nextLong(2 * tick);
            } else if (kind < 95) {
                return random.nextLong(revolution + tick);
            }
            return random.nextLong(100 * revolution);
        }

        private final class ModelTimer extends IxTimer {
            private final boolean rearms;

            ModelTimer(boolean rearms) {
                this.rearms = rearms;
            }

            @Override
            protected void expired(long nowNanos) {
                try {
                    check(nowNanos);
                } catch (Throwable failure) {
                    callbackFailures.add(failure);
                    throw failure;
                }
            }

            private void check(long nowNanos) {
                assertThat(nowNanos).isEqualTo(now);
                assertThat(nowNanos - deadlineNanos()).as("fired before its deadline").isNotNegative();
                assertThat(expectedThisCall).as("fired in a call the model did not predict").contains(this);
                assertThat(isScheduled()).isFalse();
                firedThisCall.add(this);
                model.remove(this);
                if (rearms && random.nextBoolean()) {
                    schedule(this, randomDelay());
                }
                if (random.nextInt(20) == 0) {
                    ModelTimer other = timers[random.nextInt(timers.length)];
                    assertThat(other.cancel()).isEqualTo(model.remove(other) != null);
                    if (!firedThisCall.contains(other)) {
                        expectedThisCall.remove(other);
                    }
                }
            }
        }
    }

    /** An idle event loop: sleeps for the wheel's bound (at least 1 ns, as IxIoHandler does), then expires. */
    private static final class IdleLoop {
        private final IxTimerWheel wheel;
        long now;
        int wakeUps;

        IdleLoop(IxTimerWheel wheel, long now) {
            this.wheel = wheel;
            this.now = now;
        }

        void runUntilAFire() {
            for (int guard = 0; guard < 1_000_000; guard++) {
                long bound = wheel.nanosUntilNextDeadline(now);
                assertThat(bound).as("timers left").isNotNegative();
                now += Math.max(1, bound);
                wakeUps++;
                if (wheel.expire(now) > 0) {
                    return;
                }
            }
            throw new AssertionError("no timer fired after a million wake-ups");
        }
    }

    /** Schedules 1000 timers {@code idle} after {@code now}, one tick apart, as idle connections' timeouts. */
    private static List<RecordingTimer> idleConnections(IxTimerWheel wheel, long idle, long now) {
        List<RecordingTimer> timers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            RecordingTimer timer = new RecordingTimer();
            wheel.schedule(timer, idle + i * wheel.tickNanos(), now);
            timers.add(timer);
        }
        return timers;
    }

    private static final class RecordingTimer extends IxTimer {
        final List<Long> firedAt = new ArrayList<>();
        Consumer<Long> onExpired = now -> { };

        @Override
        protected void expired(long nowNanos) {
            firedAt.add(nowNanos);
            onExpired.accept(nowNanos);
        }
    }
}
