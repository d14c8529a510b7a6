package dev.ix.reactor.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockingOperationError;

import java.util.List;

/**
 * Fails a test class after which BlockHound had reported a blocking call on a non-blocking thread that the class
 * did not {@linkplain BlockingCalls#drain() drain}: Reactor Netty logs and swallows the error a blocking handler
 * throws, so without this a handler that blocks an ix loop would pass. Registered for every test class of the
 * module through {@code META-INF/services/org.junit.jupiter.api.extension.Extension}.
 */
public final class BlockingCallsExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        List<BlockingOperationError> calls = BlockingCalls.drain();
        if (calls.isEmpty()) {
            return;
        }
        AssertionError failure = new AssertionError("BlockHound reported " + calls.size() + " blocking call(s) on"
                + " non-blocking threads by the end of " + context.getDisplayName() + "; the first: "
                + calls.getFirst().getMessage(), calls.getFirst());
        calls.stream().skip(1).forEach(failure::addSuppressed);
        throw failure;
    }
}
