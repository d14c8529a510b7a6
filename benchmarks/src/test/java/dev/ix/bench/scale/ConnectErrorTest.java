package dev.ix.bench.scale;

import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectErrorTest {

    @Test
    void namesTheErrnoFromNettysNativeMessages() {
        // Netty's Errors.NativeIoException carries these texts; it needs the native library to be built, so plain
        // exceptions with the same messages stand in for it.
        assertThat(ConnectError.classify(new IOException("connect(..) failed: Cannot assign requested address")))
                .isEqualTo(ConnectError.ADDRESS_NOT_AVAILABLE);
        assertThat(ConnectError.classify(new ConnectException("finishConnect(..) failed: Connection refused")))
                .isEqualTo(ConnectError.REFUSED);
        assertThat(ConnectError.classify(new IOException("read(..) failed: Connection reset by peer")))
                .isEqualTo(ConnectError.RESET);
        assertThat(ConnectError.classify(new IOException("connect(..) failed: No buffer space available")))
                .isEqualTo(ConnectError.NO_MEMORY);
    }

    @Test
    void looksThroughWrappersForTheCause() {
        ChannelException noSocket = new ChannelException(new IOException(
                "newSocketStream(..) failed: Too many open files"));
        assertThat(ConnectError.classify(noSocket)).isEqualTo(ConnectError.TOO_MANY_FILES);
        assertThat(ConnectError.classify(new RuntimeException("wrapped",
                new IOException("socket(..) failed: Too many open files in system"))))
                .isEqualTo(ConnectError.TOO_MANY_FILES);
    }

    @Test
    void tellsTimeoutsClosesAndTheRestApart() {
        assertThat(ConnectError.classify(new ConnectTimeoutException("connection timed out after 10000 ms")))
                .isEqualTo(ConnectError.CONNECT_TIMEOUT);
        assertThat(ConnectError.classify(new IOException("connect(..) failed: Connection timed out")))
                .isEqualTo(ConnectError.CONNECT_TIMEOUT);
        assertThat(ConnectError.classify(new ClosedChannelException())).isEqualTo(ConnectError.RESET);
        assertThat(ConnectError.classify(new IllegalStateException("something else"))).isEqualTo(ConnectError.OTHER);
        assertThat(ConnectError.classify(new IllegalStateException())).isEqualTo(ConnectError.OTHER);
    }

    @Test
    void everyKindSaysWhatToDo() {
        for (ConnectError e : ConnectError.values()) {
            assertThat(e.label()).isNotBlank();
            assertThat(e.hint()).isNotBlank();
        }
        assertThat(ConnectError.ADDRESS_NOT_AVAILABLE.hint()).contains("--per-address");
        assertThat(ConnectError.TOO_MANY_FILES.hint()).contains("ulimit -n");
    }
}
