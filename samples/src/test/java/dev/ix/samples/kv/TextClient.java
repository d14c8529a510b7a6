package dev.ix.samples.kv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking client for the text protocol: sends bytes, reads until the answers end as expected. */
final class TextClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    TextClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000); // only so that a broken build does not hang; no test relies on it
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    TextClient send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    TextClient send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    /** @return everything received up to and including the first {@code end} at the end of what was read */
    String readUntil(String end) throws IOException {
        byte[] buf = new byte[65536];
        while (true) {
            String s = pending.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith(end)) {
                pending.reset();
                return s;
            }
            int n = in.read(buf);
            if (n < 0) {
                pending.reset();
                return s + "<EOF>";
            }
            pending.write(buf, 0, n);
        }
    }

    /** Sends {@code request} followed by {@code mn} and returns the answers before {@code MN}. */
    String call(String request) throws IOException {
        send(request + "mn\r\n");
        String s = readUntil("MN\r\n");
        return s.substring(0, s.length() - 4);
    }

    /** @return whether the server closed the connection (reads to EOF) */
    boolean closedByServer() throws IOException {
        byte[] buf = new byte[4096];
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                return true;
            }
        }
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
