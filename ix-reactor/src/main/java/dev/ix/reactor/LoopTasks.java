package dev.ix.reactor;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands work to a connection's loop from another thread. A loop that has shut down refuses it, and the connection is
 * closed by then: the caller decides what the refused work leaves behind (a buffer to release, a call to fail).
 */
final class LoopTasks {
    private LoopTasks() {
    }

    /** @return false when {@code loop} has shut down and refused {@code task} */
    static boolean tryExecute(Executor loop, Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException loopGone) {
            return false;
        }
    }
}
