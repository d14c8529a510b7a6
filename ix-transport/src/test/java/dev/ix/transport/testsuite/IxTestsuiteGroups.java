package dev.ix.transport.testsuite;

import dev.ix.transport.IxLoop;
import dev.ix.transport.IxLoopStats;
import dev.ix.transport.test.Poll;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ix event loop group of Netty's test suite, one per test class: created when a class first asks for it
 * ({@link IxSocketTestPermutation}), shut down after the class, and checked on the way out: every loop must stop and
 * its receive pool must be full again (every mbuf the class received released). A loop that closes its pool with
 * mbufs still held only logs a WARN; here the class fails instead.
 *
 * <p>Registered for every test class through {@code META-INF/services} after
 * {@link dev.ix.transport.test.LeakDetectionExtension}: JUnit runs {@code afterAll} callbacks in reverse order, so
 * the group is shut down (its channels closed, their buffers released or dropped) before the leak detector looks. A
 * class that never asked for a group costs nothing. Not thread-safe beyond what the build needs: test classes run one
 * at a time.
 */
public final class IxTestsuiteGroups implements AfterAllCallback {
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;
    private static final long RELEASE_GRACE_MILLIS = 1_000;

    private static final Object LOCK = new Object();
    private static EventLoopGroup group; // guarded by LOCK

    /**
     * @param create makes the group when the current class has none yet
     * @return the current class's ix group
     */
    static EventLoopGroup group(Supplier<EventLoopGroup> create) {
        synchronized (LOCK) {
            if (group == null) {
                group = create.get();
            }
            return group;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        List<String> problems = shutDown();
        if (!problems.isEmpty()) {
            throw new AssertionError("the ix loops of " + context.getDisplayName() + " did not end clean:\n  "
                    + String.join("\n  ", problems));
        }
    }

    /**
     * Shuts the current group down, if a class made one, and waits for it.
     *
     * @return what was wrong: a loop that did not stop, or a pool with mbufs still held; empty when all is well
     */
    static List<String> shutDown() throws InterruptedException {
        EventLoopGroup g;
        synchronized (LOCK) {
            g = group;
            group = null;
        }
        List<String> problems = new ArrayList<>();
        if (g == null) {
            return problems;
        }
        List<IxLoop> loops = IxLoop.allOf(g); // before shutdown: a stopped loop is no longer listed
        if (!g.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .await(2 * SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            problems.add("the group did not terminate within " + 2 * SHUTDOWN_TIMEOUT_SECONDS + " s");
        }
        for (IxLoop loop : loops) {
            // A handler may release its last buffer on another thread just after its channel closed: wait a little.
            Poll.until(RELEASE_GRACE_MILLIS, () -> loop.stats().mbufsInUse() == 0);
            IxLoopStats stats = loop.stats();
            if (stats.mbufsInUse() != 0) {
                problems.add(loop.threadName() + ": " + stats.mbufsInUse() + " of " + stats.mbufCount()
                        + " receive mbuf(s) still held after the loop stopped (not released by a handler or by the"
                        + " transport; the leak report, if any, says where they were received)");
            }
        }
        return problems;
    }
}
