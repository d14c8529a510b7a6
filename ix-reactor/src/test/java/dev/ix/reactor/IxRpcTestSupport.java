package dev.ix.reactor;

import dev.ix.transport.IxTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the RPC tests share: the io_uring guard and string payloads. */
final class IxRpcTestSupport {
    private IxRpcTestSupport() {
    }

    /** Skips without io_uring, unless the build requires it (it does by default): then fails. */
    static void requireIx() {
        if (!IxTransport.isAvailable()) {
            assertThat(Boolean.getBoolean("dev.ix.test.requireIoUring"))
                    .as("io_uring unavailable: %s", IxTransport.unavailabilityCause()).isFalse();
            assumeTrue(false, () -> "io_uring unavailable: " + IxTransport.unavailabilityCause());
        }
    }

    static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    /** @return the buffer's text; the buffer is released */
    static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    /** @return the buffer's text; the buffer is not released */
    static String peek(ByteBuf b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Waits until {@code condition} holds; no time limit (the build's own timeout is the limit). */
    static void await(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
