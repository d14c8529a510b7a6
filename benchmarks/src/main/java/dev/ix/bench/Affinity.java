package dev.ix.bench;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Pins this JVM (every thread it has, and so the threads they start) to a CPU list with {@code taskset}. */
public final class Affinity {
    private Affinity() {
    }

    /**
     * @param cpus a {@code taskset -c} CPU list
     * @return why pinning failed, empty when done
     */
    public static Optional<String> pinSelf(String cpus) {
        long pid = ProcessHandle.current().pid();
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("taskset did not finish: this JVM is not pinned to CPU " + cpus);
            }
            return p.exitValue() == 0 ? Optional.empty()
                    : Optional.of("taskset -a -p -c " + cpus + " failed (exit " + p.exitValue()
                    + "): this JVM is not pinned; is CPU " + cpus + " online?");
        } catch (IOException e) {
            return Optional.of("taskset is missing (" + e.getMessage() + "): this JVM is not pinned;"
                    + " install util-linux or run benchmarks/install-tools.sh");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while pinning to CPU " + cpus);
        }
    }
}
