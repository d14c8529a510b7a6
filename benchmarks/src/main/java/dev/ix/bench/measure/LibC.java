package dev.ix.bench.measure;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The C library call the JDK lacks: {@link Process#destroy()} sends only SIGTERM and SIGKILL, while perf writes its
 * counts only on SIGINT. Thread-safe.
 */
final class LibC {

    /** The same number on every Linux architecture. */
    static final int SIGINT = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle KILL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

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
}
