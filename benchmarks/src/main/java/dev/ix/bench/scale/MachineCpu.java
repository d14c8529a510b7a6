package dev.ix.bench.scale;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * CPU time the whole machine spent running processes, from the first line of {@code /proc/stat}: with the server's
 * and the client's own CPU time taken away, what other programs took while a step measured latency. On a shared
 * machine that is the first thing to read beside a tail latency. Stateless and thread-safe.
 */
final class MachineCpu {

    /** {@code USER_HZ}, the unit of {@code /proc/stat}: 100 on every architecture the harness runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private MachineCpu() {
    }

    /** @return nanoseconds all CPUs spent in user and system mode since boot, or empty if unreadable */
    static OptionalLong busyNanos() {
        try {
            return busyTicks(SystemLimits.readProc(Path.of("/proc/stat"))).stream()
                    .map(ticks -> ticks * NANOS_PER_TICK).findFirst();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * @param stat the content of {@code /proc/stat}
     * @return user + nice + system ticks of its {@code cpu} line (interrupts and steal left out: the loopback
     *         traffic of the benchmark itself is softirq time), or empty if it has none
     */
    static OptionalLong busyTicks(String stat) {
        for (String line : stat.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[0].equals("cpu")) {
                try {
                    return OptionalLong.of(Long.parseLong(fields[1]) + Long.parseLong(fields[2])
                            + Long.parseLong(fields[3]));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
