package dev.ix.bench.measure;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The two C library calls the JDK lacks: {@link Process#destroy()} sends only SIGTERM and SIGKILL, while perf writes
 * its counts only on SIGINT; and the JDK's process CPU time ({@code OperatingSystemMXBean.getProcessCpuTime()}) has
 * the 10 ms resolution of {@code times()} on Linux. Thread-safe.
 */
final class LibC {

    /** The same number on every Linux architecture. */
    static final int SIGINT = 2;

    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle KILL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOCK_GETTIME = LINKER.downcallHandle(
            LINKER.defaultLookup().find("clock_gettime").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private LibC() {
    }

    /** @return whether the signal was delivered ({@code false}: the process is gone, or not ours to signal) */
    static boolean kill(long pid, int signal) {
        try {
            return (int) KILL.invokeExact(Math.toIntExact(pid), signal) == 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed", t);
        }
    }

    /** @return nanoseconds of CPU this process has used, all threads, dead ones included, at 1 ns resolution */
    static long processCpuNanos() {
        try (Arena arena = Arena.ofConfined()) {
            // struct timespec { time_t tv_sec; long tv_nsec; }: two 64-bit fields on 64-bit Linux.
            MemorySegment timespec = arena.allocate(ValueLayout.JAVA_LONG, 2);
            int result = (int) CLOCK_GETTIME.invokeExact(CLOCK_PROCESS_CPUTIME_ID, timespec);
            if (result != 0) {
                throw new IllegalStateException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) returned " + result);
            }
            return timespec.getAtIndex(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L
                    + timespec.getAtIndex(ValueLayout.JAVA_LONG, 1);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("clock_gettime failed", t);
        }
    }
}
