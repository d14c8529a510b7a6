package dev.ix.bench.peer;

import dev.ix.bench.measure.Executables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Starts peer processes so that none outlives the harness: a shutdown hook kills those still running when the JVM
 * exits, and where util-linux's {@code setpriv} is available each one also gets {@code PR_SET_PDEATHSIG=SIGKILL},
 * so the kernel kills it even when the harness JVM is killed or crashes. Thread-safe.
 */
final class Children {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    /**
     * The kernel sends the parent-death signal when the thread that forked the child ends, not the process: so
     * children are forked by this one thread, which lives as long as the JVM.
     */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "ix-peer-launcher");
        thread.setDaemon(true);
        return thread;
    });

    /** {@code setpriv} execs the command, so the pid stays the server's. */
    private static final List<String> DIE_WITH_PARENT = dieWithParent();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Children::killAll, "ix-peer-reaper"));
    }

    private Children() {
    }

    /**
     * Starts {@code command} as {@code builder} says and tracks it until it exits.
     *
     * @throws IOException if the command cannot be started
     */
    static Process start(ProcessBuilder builder) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(DIE_WITH_PARENT);
        command.addAll(builder.command());
        builder.command(command);
        Future<Process> started = LAUNCHER.submit(builder::start);
        Process process;
        try {
            process = started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("cannot start " + String.join(" ", command), e.getCause());
        }
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        return process;
    }

    private static void killAll() {
        for (Process process : LIVE) {
            process.destroyForcibly();
        }
        for (Process process : LIVE) {
            try {
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static List<String> dieWithParent() {
        if (Executables.find("setpriv").isEmpty()) {
            return List.of();
        }
        List<String> prefix = List.of("setpriv", "--pdeathsig", "KILL");
        try {
            // util-linux before 2.33 has setpriv without --pdeathsig.
            List<String> probe = new ArrayList<>(prefix);
            probe.add("true");
            Process check = new ProcessBuilder(probe).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return check.waitFor(10, TimeUnit.SECONDS) && check.exitValue() == 0 ? prefix : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
