package dev.ix.transport.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test class when Netty's leak detector reported a leak by the time the class finished.
 *
 * <p>Registered for every test class of the module through {@code META-INF/services} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties}. After all tests
 * and {@code @AfterAll} methods of a class have run, it forces a GC (see {@link NettyLeakDetection#collectLeaks()})
 * and fails the class with every leak report in the message. The check is per class, not per test, to keep the
 * suite fast; a leak found after one class may have been allocated by the class that ran before it (buffers still
 * held by a closing channel become garbage a little later) — the allocation stack trace in the report tells.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        NettyLeakDetection.ensureEffective();
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        List<String> leaks = NettyLeakDetection.collectLeaks();
        if (leaks.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder()
                .append("Netty reported ").append(leaks.size()).append(" resource leak(s) by the end of ")
                .append(context.getDisplayName())
                .append(" (they may also come from the test class that ran just before it):");
        for (String leak : leaks) {
            message.append("\n\n").append(leak);
        }
        throw new AssertionError(message.toString());
    }
}
