package dev.ix.reactor.test;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound once for the test JVM when the JUnit launcher session opens, so that every test of ix-reactor
 * runs with blocking calls on non-blocking threads (Reactor's {@code NonBlocking} threads, ix loops) reported as
 * {@code BlockingOperationError}. The integrations come from {@code ServiceLoader}: Reactor's, Netty's and ix's own
 * {@code IxBlockHoundIntegration}. Registered in
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}, after the leak detector's listener,
 * which must see Netty before anything else touches its buffers.
 */
public final class BlockHoundSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        BlockHound.install();
    }
}
