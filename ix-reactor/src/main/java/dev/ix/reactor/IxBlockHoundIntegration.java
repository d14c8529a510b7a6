package dev.ix.reactor;

import dev.ix.transport.IxLoop;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound on ix: a blocking call on an ix loop is reported as a {@code BlockingOperationError}, as it is on
 * Reactor Netty's loops. Loaded by {@code BlockHound.install()} through {@code ServiceLoader}
 * ({@code META-INF/services/reactor.blockhound.integration.BlockHoundIntegration}); applications do not call it.
 *
 * <p>Which threads are watched: loops made by {@link IxLoopThreads} (and so {@link IxLoopResources}) are Reactor
 * {@code NonBlocking} threads and Netty {@code FastThreadLocalThread}s, which Reactor's and Netty's own
 * integrations already watch. This one adds any other thread that runs an ix loop ({@link IxLoop#current()}), e.g.
 * a group built on a plain {@code ThreadFactory}. BlockHound asks a thread's predicate once, on the thread's first
 * blocking-capable call, and remembers the answer, so the thread-local lookup is not on any hot path. The loop
 * becomes current when its handler initialises, the first thing the loop thread does; a blocking call Netty made
 * on that thread before it would be remembered as allowed, and Netty makes none (IxBlockHoundIntegrationTest runs
 * a loop on a plain thread).
 *
 * <p>What is allowed: only the loop's shutdown, {@code IxIoHandler.destroy}, which waits for the operations in
 * flight and spins ({@code Thread.onSpinWait}, which BlockHound counts as blocking) until a wake-up being written
 * by another thread is done, before it closes the eventfd; an error thrown there would leave the eventfd open and
 * the loop's scratch memory allocated. A loop's turn needs nothing: it waits in {@code io_uring_enter}, a native
 * downcall BlockHound does not instrument, and makes no blocking JDK call (Netty's integration already allows its
 * loops' task queue waits).
 *
 * <p>Threading: BlockHound calls {@link #applyTo} once, during installation.
 */
public final class IxBlockHoundIntegration implements BlockHoundIntegration {

    /** For {@code ServiceLoader}. */
    public IxBlockHoundIntegration() {
    }

    /** By name: naming the class would load it, and its initialiser probes io_uring. */
    private static final String IX_IO_HANDLER = "dev.ix.transport.IxIoHandler";

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.nonBlockingThreadPredicate(current -> current.or(IxBlockHoundIntegration::runsIxLoop))
                .allowBlockingCallsInside(IX_IO_HANDLER, "destroy");
    }

    /** BlockHound passes the current thread; the loop is known only on it. */
    private static boolean runsIxLoop(Thread thread) {
        return thread == Thread.currentThread() && IxLoop.current().isPresent();
    }
}
