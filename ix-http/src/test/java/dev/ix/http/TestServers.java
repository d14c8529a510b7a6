package dev.ix.http;

import dev.ix.reactor.IxServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers a test bound, disposed after it (a failed assertion included):
 * {@code @RegisterExtension final TestServers servers = new TestServers();} then
 * {@code server = servers.keep(spec.bindNow());}.
 */
final class TestServers implements AfterEachCallback {
    private final List<IxServer> bound = new ArrayList<>();

    /** @return {@code server}, disposed after the test */
    IxServer keep(IxServer server) {
        bound.add(server);
        return server;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (IxServer s : bound) {
            s.disposeNow(Duration.ofSeconds(10));
        }
        bound.clear();
    }
}
