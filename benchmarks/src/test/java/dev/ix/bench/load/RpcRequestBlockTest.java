package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcRequestBlockTest {

    @Test
    void aSliceHoldsRequestFramesNumberedFromItsFirstSlot() {
        RpcRequestBlock block = RpcRequestBlock.of(3);
        try {
            assertThat(ids(block, 0, 3)).containsExactly(0L, 1L, 2L);
            assertThat(ids(block, 2, 3)).containsExactly(2L, 0L, 1L);
            assertThat(ids(block, 1, 1)).containsExactly(1L);
            assertThat(ids(block, 2, 2)).containsExactly(2L, 0L);
        } finally {
            block.release();
        }
    }

    @Test
    void everyFrameIsARequestCarryingHelloWorld() {
        RpcRequestBlock block = RpcRequestBlock.of(2);
        ByteBuf one = block.requests(1, 1);
        try {
            assertThat(one.readableBytes()).isEqualTo(RpcRequestBlock.FRAME_BYTES).isEqualTo(26);
            assertThat(one.readInt()).isEqualTo(9 + 13);
            assertThat(one.readLong()).isEqualTo(1);
            assertThat(one.readByte()).isEqualTo(RpcWire.REQUEST);
            assertThat(one.toString(StandardCharsets.US_ASCII)).isEqualTo("Hello, World!");
        } finally {
            one.release();
            block.release();
        }
    }

    @Test
    void slicesOutsideTheBlockAreRefused() {
        RpcRequestBlock block = RpcRequestBlock.of(3);
        try {
            assertThatThrownBy(() -> block.requests(3, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> block.requests(0, 4)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> block.requests(0, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> block.requests(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            block.release();
        }
    }

    private static List<Long> ids(RpcRequestBlock block, int first, int n) {
        ByteBuf slice = block.requests(first, n);
        try {
            List<Long> ids = new ArrayList<>();
            while (slice.isReadable()) {
                int length = slice.readInt();
                ids.add(slice.readLong());
                slice.skipBytes(length - 8);
            }
            return ids;
        } finally {
            slice.release();
        }
    }
}
