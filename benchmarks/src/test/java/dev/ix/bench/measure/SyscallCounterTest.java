package dev.ix.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SyscallCounterTest {

    @Test
    void countsTheSyscallsOfABusyProcess() throws Exception {
        assumeTrue(SyscallCounter.unavailable().isEmpty(),
                () -> "syscalls cannot be counted here: " + SyscallCounter.unavailable().orElseThrow());
        // Each `read` of the shell opens, reads and closes a file: syscalls without forking.
        Process busy = new ProcessBuilder("sh", "-c", "while :; do read -r x < /proc/uptime; done").start();
        try {
            SyscallCounter counter = SyscallCounter.attach(busy.pid());
            Thread.sleep(200);
            long syscalls = counter.stop();

            assertThat(syscalls).isPositive();
            assertThat(busy.isAlive()).as("perf leaves the process it counted running").isTrue();
        } finally {
            busy.destroyForcibly();
            busy.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void attachingToAProcessThatDoesNotExistFails() {
        assumeTrue(SyscallCounter.unavailable().isEmpty(),
                () -> "syscalls cannot be counted here: " + SyscallCounter.unavailable().orElseThrow());

        assertThatThrownBy(() -> SyscallCounter.attach(Integer.MAX_VALUE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("perf stat -p " + Integer.MAX_VALUE);
    }

    @Test
    void unavailabilityIsExplained() {
        SyscallCounter.unavailable().ifPresent(why -> assertThat(why).contains("install-tools.sh"));
    }
}
