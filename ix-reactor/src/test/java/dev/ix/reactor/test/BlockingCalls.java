package dev.ix.reactor.test;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * BlockHound for ix-reactor's tests, installed once per test JVM by {@link BlockHoundSessionListener}: a blocking
 * call on a non-blocking thread (an ix loop, any Reactor {@code NonBlocking} thread, a Netty loop) throws
 * {@link BlockingOperationError} there, as BlockHound does by default, and is also recorded here, because the code
 * that receives the error (a Reactor Netty handler, an event loop task) may log and swallow it.
 * {@link BlockingCallsExtension} fails the test class after which a recorded call was not {@linkplain #drain()
 * drained}; a test that blocks on purpose drains what it expects.
 *
 * <p>Thread-safety: calls are recorded from whichever thread blocked; all methods may be called from any thread.
 */
public final class BlockingCalls {

    private static final Queue<BlockingOperationError> REPORTED = new ConcurrentLinkedQueue<>();

    private BlockingCalls() {
    }

    /** Installs BlockHound with every integration {@code ServiceLoader} finds, ix's included. Idempotent. */
    static void install() {
        BlockHound.install(builder -> builder.blockingMethodCallback(method -> {
            BlockingOperationError error = new BlockingOperationError(method);
            REPORTED.add(error);
            throw error;
        }));
    }

    /**
     * @return the errors thrown for the blocking calls reported since the last drain, oldest first (each with the
     *         stack of its call); they are forgotten here
     */
    public static List<BlockingOperationError> drain() {
        List<BlockingOperationError> calls = new ArrayList<>();
        for (BlockingOperationError call; (call = REPORTED.poll()) != null; ) {
            calls.add(call);
        }
        return calls;
    }
}
