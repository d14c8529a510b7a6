package dev.ix.reactor.test;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs BlockHound ({@link BlockingCalls#install()}) when the JUnit launcher session opens, before any test
 * class runs. Registered in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}, after
 * the leak detector's listener, which must see Netty before anything else touches its buffers.
 */
public final class BlockHoundSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        BlockingCalls.install();
    }
}
