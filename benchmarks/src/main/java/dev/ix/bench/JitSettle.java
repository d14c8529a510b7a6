package dev.ix.bench;

import dev.ix.bench.measure.JitCounts;
import dev.ix.bench.load.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The end of a JVM server's warm-up: the load goes on in {@link BenchOptions#JIT_SETTLE_STEP}s (each on new
 * connections, as every run of a generator is) until {@link #QUIET_STEPS} steps in a row in which the server's JIT
 * compiled for less than {@link BenchOptions#JIT_QUIET}, for at most {@link BenchOptions#jitSettle()}.
 *
 * <p>Why: a fresh JVM at a light load keeps compiling for seconds after a warm-up of the usual length (kv at 35 000
 * requests/s: 0.8 s of compilation in its first second, 1 s in the next), on the server's own CPU; and each time
 * connections close and new ones come, the paths the old ones took trap and are compiled again. One quiet step is not
 * enough: compilation comes in bursts, a quiet second between two busy ones.
 */
final class JitSettle {

    /** Quiet steps in a row that end the settling. */
    static final int QUIET_STEPS = 3;

    /** One step of the load. */
    interface Step {
        void run() throws Exception;
    }

    /** A reading of the server's compilations so far; empty when they cannot be read (not a JVM). */
    interface Reading {
        Optional<JitCounts> read() throws Exception;
    }

    private JitSettle() {
    }

    /**
     * Runs the load until the server's JIT settles ({@link #run}), and says so on the progress line, and when it does
     * not settle within {@code max}, says that too: the run is measured anyway, with its JIT ms reported.
     *
     * @param what the run, for the progress line
     */
    static void settle(Reading jit, Step step, Duration max, Progress progress, String what) throws Exception {
        progress.step(what + "  settling the JIT");
        OptionalDouble unsettled = run(jit, step, max);
        if (unsettled.isPresent()) {
            progress.step(what + ": " + unsettled(max, unsettled.getAsDouble())
                    + "; measuring anyway, its JIT ms in the window is reported");
        }
    }

    /** @return what to say of a server whose JIT had not settled within {@code max}: {@link #run}'s answer */
    private static String unsettled(Duration max, double lastMillis) {
        return String.format(Locale.ROOT, "the JIT had not settled after %s more (%.0f ms of compilation in the last"
                + " second)", Durations.format(max), lastMillis);
    }

    /**
     * @return empty when the JIT settled or cannot be read; otherwise the compilation time of the last step, ms, when
     *         {@code max} ran out first
     */
    static OptionalDouble run(Reading jit, Step step, Duration max) throws Exception {
        Optional<JitCounts> last = jit.read();
        int quiet = 0;
        double lastMillis = Double.NaN;
        for (Duration spent = Duration.ZERO; last.isPresent() && spent.compareTo(max) < 0;
                spent = spent.plus(BenchOptions.JIT_SETTLE_STEP)) {
            step.run();
            Optional<JitCounts> now = jit.read();
            if (now.isEmpty()) {
                return OptionalDouble.empty();
            }
            JitCounts compiled = now.get().minus(last.get());
            lastMillis = compiled.compileMillis();
            quiet = compiled.compileNanos() < BenchOptions.JIT_QUIET.toNanos() ? quiet + 1 : 0;
            if (quiet == QUIET_STEPS) {
                return OptionalDouble.empty();
            }
            last = now;
        }
        return last.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(lastMillis);
    }
}
