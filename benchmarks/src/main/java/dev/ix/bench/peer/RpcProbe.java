package dev.ix.bench.peer;

import dev.ix.bench.load.RpcWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * One RPC call over a fresh connection, closed afterwards: the readiness probe of the RPC peers, which must echo it,
 * and the query of their allocation counter. Plain JDK sockets, so that these calls share nothing with the generator
 * or the peers.
 */
final class RpcProbe {

    private static final long ID = 42;
    private static final byte[] PAYLOAD = "ix bench readiness probe".getBytes(StandardCharsets.US_ASCII);
    /** The longest frame read: the echo, or an error response (ix cuts their messages to 4 KiB). */
    private static final int MAX_LENGTH = RpcWire.ID_AND_KIND_BYTES + 4096;

    private RpcProbe() {
    }

    /**
     * Sends one request frame and checks that it is echoed.
     *
     * @param timeout for connecting, and again for reading the response
     * @throws IOException if the server cannot be reached, closes, or does not answer with a response frame of the
     *                     same id and payload
     */
    static void echo(String host, int port, Duration timeout) throws IOException {
        byte[] answer = call(host, port, PAYLOAD, timeout);
        if (!Arrays.equals(answer, PAYLOAD)) {
            throw new IOException("answered " + new String(answer, StandardCharsets.UTF_8) + " (expected: the request's"
                    + " payload echoed)");
        }
    }

    /**
     * Makes one call over a fresh connection.
     *
     * @param timeout for connecting, and again for reading the response
     * @return the response's payload
     * @throws IOException if the server cannot be reached, closes, or does not answer with a response frame of the
     *                     same id (an error response's message is in the exception's)
     */
    static byte[] call(String host, int port, byte[] payload, Duration timeout) throws IOException {
        int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
        ByteBuf request = RpcWire.writeFrame(Unpooled.buffer(), ID, RpcWire.REQUEST, Unpooled.wrappedBuffer(payload));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.getOutputStream().write(request.array(), request.arrayOffset(), request.readableBytes());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = in.readInt();
            if (length < RpcWire.ID_AND_KIND_BYTES || length > MAX_LENGTH) {
                throw new IOException("answered a frame of length " + Integer.toUnsignedString(length));
            }
            long id = in.readLong();
            byte kind = in.readByte();
            byte[] answer = new byte[length - RpcWire.ID_AND_KIND_BYTES];
            in.readFully(answer);
            if (kind != RpcWire.RESPONSE || id != ID) {
                throw new IOException("answered kind " + kind + ", id " + id + ": "
                        + new String(answer, StandardCharsets.UTF_8) + " (expected: kind " + RpcWire.RESPONSE + ", id "
                        + ID + ")");
            }
            return answer;
        }
    }
}
