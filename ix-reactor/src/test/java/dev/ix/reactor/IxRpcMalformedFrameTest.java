package dev.ix.reactor;

import dev.ix.reactor.test.CapturedStderr;
import dev.ix.transport.test.RequiresIoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.ix.reactor.IxRpcTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Raw bytes from a plain socket: split frames are fine, malformed ones close the connection with a logged reason. */
@RequiresIoUring
class IxRpcMalformedFrameTest {
    private IxServer server;
    private CapturedStderr log;

    @BeforeEach
    void start() {
        log = new CapturedStderr();
        server = IxRpcServer.create().host("127.0.0.1").loops(1).maxFrameLength(1024)
                .handle(req -> Mono.just(req.retain())).bindNow();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
        log.close();
    }

    @Test
    void answersARequestThatArrivesOneByteAtATime() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setTcpNoDelay(true);
            byte[] frame = frame(1L << 33 | 42, RpcFrame.REQUEST, "ping");
            OutputStream out = s.getOutputStream();
            for (byte b : frame) {
                out.write(b);
                out.flush();
            }
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(in.readInt()).isEqualTo(RpcFrame.ID_AND_KIND_BYTES + 4);
            assertThat(in.readLong()).isEqualTo(1L << 33 | 42);
            assertThat(in.readByte()).isEqualTo(RpcFrame.RESPONSE);
            assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
        }
    }

    @Test
    void closesTheConnectionAndLogsWhyOnAnOversizeLength() throws IOException {
        assertClosedWithLoggedReason(header(1025, 1, RpcFrame.REQUEST), "length 1025 exceeds maxFrameLength 1024");
    }

    @Test
    void closesTheConnectionAndLogsWhyOnANegativeLength() throws IOException {
        assertClosedWithLoggedReason(header(-2, 1, RpcFrame.REQUEST), "length 4294967294 exceeds maxFrameLength 1024");
    }

    @Test
    void closesTheConnectionAndLogsWhyOnALengthTooShort() throws IOException {
        assertClosedWithLoggedReason(header(3, 1, RpcFrame.REQUEST),
                "length 3 is shorter than a frame's id and kind (9 bytes)");
    }

    @Test
    void closesTheConnectionAndLogsWhyOnAFrameOfTheWrongKind() throws IOException {
        assertClosedWithLoggedReason(frame(7, RpcFrame.RESPONSE, "x"),
                "response frame (id 7) where a request was expected");
    }

    /** A valid request first, then the bad bytes: the connection must have been serving when they came. */
    private void assertClosedWithLoggedReason(byte[] bad, String reason) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(frame(1, RpcFrame.REQUEST, "ok"));
            out.write(bad);
            out.write(new byte[64]); // bytes after the bad frame: never read as frames
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(in.readNBytes(RpcFrame.HEADER_BYTES + 2)).hasSize(RpcFrame.HEADER_BYTES + 2);
            assertThat(readToEnd(in)).as("bytes after the answer; then the server closed").isZero();
        }
        String logged = log.text();
        assertThat(logged).contains("WARN").contains("malformed RPC frame from /127.0.0.1:").contains(reason)
                .contains("closing the connection");
        await(() -> server.activeConnections() == 0);
    }

    private static int readToEnd(InputStream in) throws IOException {
        try {
            return in.readAllBytes().length;
        } catch (SocketException reset) {
            return 0; // a reset is a close too: the server closed with our junk still unread
        }
    }

    private static byte[] header(int length, long id, byte kind) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(length);
        out.writeLong(id);
        out.writeByte(kind);
        return bytes.toByteArray();
    }

    private static byte[] frame(long id, byte kind, String payload) throws IOException {
        byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(header(RpcFrame.ID_AND_KIND_BYTES + p.length, id, kind));
        bytes.write(p);
        return bytes.toByteArray();
    }
}
