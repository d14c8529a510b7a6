package dev.ix.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

class ProcStatTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void cpuTimeOfThisProcessFromProcAgreesWithTheJvm() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ProcStat.CpuTimes before = ProcStat.cpuTimes(SELF);
        long procBefore = before.totalNanos();
        long threadBefore = threads.getCurrentThreadCpuTime();
        long sink = 0;
        // Burn a fixed amount of this thread's CPU time (however long that takes), then compare the two clocks.
        while (threads.getCurrentThreadCpuTime() - threadBefore < 300_000_000L) {
            for (int i = 0; i < 100_000; i++) {
                sink += Long.numberOfTrailingZeros(sink + i);
            }
        }
        ProcStat.CpuTimes after = ProcStat.cpuTimes(SELF);
        long procUsed = after.totalNanos() - procBefore;
        long userUsed = after.userNanos() - before.userNanos();

        assertThat(sink).isNotZero();
        assertThat(procBefore).isPositive();
        // /proc counts in 10 ms ticks and includes every thread (GC, JIT): at least the burnt time, give or take a tick.
        assertThat(procUsed).isGreaterThanOrEqualTo(300_000_000L - 2 * 10_000_000L);
        // The loop makes no system call: its time is user time.
        assertThat(userUsed).isGreaterThanOrEqualTo(300_000_000L - 2 * 10_000_000L).isLessThanOrEqualTo(procUsed);
    }

    @Test
    void residentMemoryOfThisProcess() {
        assertThat(ProcStat.rssBytes(SELF))
                .isGreaterThan(10L << 20)
                .isLessThan(Runtime.getRuntime().maxMemory() + (4L << 30));
    }

    @Test
    void aProcessThatDoesNotExistIsReportedAsSuch() {
        long noSuchPid = Integer.MAX_VALUE;
        assertThatThrownBy(() -> ProcStat.cpuNanos(noSuchPid))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ProcStat.rssBytes(noSuchPid)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void commandNamesWithSpacesAndParenthesesDoNotShiftTheFields() {
        String stat = "4242 (we(ird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 1 0 100 1000 10";

        // 10 ms per clock tick (USER_HZ 100)
        assertThat(ProcStat.cpuTimes(stat)).isEqualTo(new ProcStat.CpuTimes(12_340_000_000L, 5_670_000_000L));
    }

    @Test
    void cpuListsAsTasksetTakesThemAndTheKernelPrintsThem() {
        assertThat(ProcStat.cpuSet("1").stream().toArray()).containsExactly(1);
        assertThat(ProcStat.cpuSet("0-2,5").stream().toArray()).containsExactly(0, 1, 2, 5);
        assertThatThrownBy(() -> ProcStat.cpuSet("2-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcStat.cpuSet("a")).hasMessageContaining("CPU list: a");
    }

    @Test
    void pinningIsCheckedOnEveryThreadAgainstTheCpusAsked() {
        String mine = ProcStat.allowedCpus(SELF);
        java.util.BitSet cpus = ProcStat.cpuSet(mine);

        assertThat(ProcStat.pinnedTo(SELF, mine)).isTrue();
        // One CPU more than this JVM may use: not what it is pinned to.
        assertThat(ProcStat.pinnedTo(SELF, mine + "," + (cpus.length() + 1))).isFalse();
        assertThat(ProcStat.pinnedTo(Integer.MAX_VALUE, mine)).as("no such process").isFalse();
    }

    @Test
    void machineDescription() {
        assertThat(ProcStat.cpuModel()).isNotBlank();
        assertThat(ProcStat.kernel()).isNotBlank().isEqualTo(System.getProperty("os.version"));
    }
}
