package dev.ix.reactor;

import dev.ix.transport.test.Poll;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** What the RPC tests share: string payloads and waiting. */
final class IxRpcTestSupport {
    private IxRpcTestSupport() {
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

    /** Waits until {@code condition} holds ({@link Poll}: its bound only keeps a broken build from hanging). */
    static void await(BooleanSupplier condition) {
        try {
            if (!Poll.until(condition)) {
                throw new AssertionError("the condition never held");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
