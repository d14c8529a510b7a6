package dev.ix.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SyscallCounterTest {

    @Test
    void countsTheSyscallsAProcessMakesWhileAttached() throws Exception {
        assumeTrue(SyscallCounter.unavailable().isEmpty(),
                () -> "syscalls cannot be counted here: " + SyscallCounter.unavailable().orElseThrow());
        // cat reads a line and writes it back only when asked: the syscalls happen inside the counted window,
        // whatever else the machine is doing.
        Process cat = new ProcessBuilder("cat").start();
        try {
            SyscallCounter counter = SyscallCounter.attach(cat.pid());
            BufferedReader in = new BufferedReader(new InputStreamReader(cat.getInputStream(),
                    StandardCharsets.US_ASCII));
            for (int i = 0; i < 3; i++) {
                cat.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                cat.getOutputStream().flush();
                assertThat(in.readLine()).isEqualTo("ping");
            }
            long syscalls = counter.stop();

            assertThat(syscalls).as("3 reads and 3 writes of cat").isGreaterThanOrEqualTo(6);
            assertThat(cat.isAlive()).as("perf leaves the process it counted running").isTrue();
        } finally {
            cat.destroyForcibly();
            cat.waitFor(30, TimeUnit.SECONDS);
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
