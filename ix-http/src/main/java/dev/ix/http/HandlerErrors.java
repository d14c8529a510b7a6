package dev.ix.http;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs handler failures once per exception class at WARN (with the stack trace), later ones at DEBUG: a handler
 * that fails on every request must not flood the log or spend its loop's time writing stack traces.
 * Thread-safe.
 */
final class HandlerErrors {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(HandlerErrors.class);
    private static final Set<Class<?>> SEEN = ConcurrentHashMap.newKeySet();

    private HandlerErrors() {
    }

    static void log(String method, String path, Throwable t) {
        if (SEEN.add(t.getClass())) {
            logger.warn("handler of {} {} failed (further {} are logged at debug)", method, path,
                    t.getClass().getName(), t);
        } else {
            logger.debug("handler of {} {} failed", method, path, t);
        }
    }
}
