package dev.ix.reactor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** A plain blocking-socket peer for the ix-reactor tests: independent of every Netty transport. */
final class TcpPeer {
    private TcpPeer() {
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port));
        return s;
    }

    /**
     * Sends {@code length} pseudo-random bytes from {@code seed} in chunks of 1 B to 64 KiB.
     *
     * @return the SHA-256 of what was sent, in hex
     */
    static String sendRandom(OutputStream out, long seed, long length) throws IOException {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(left, 1 + random.nextInt(chunk.length));
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            sha.update(chunk, 0, n);
            left -= n;
        }
        out.flush();
        return HexFormat.of().formatHex(sha.digest());
    }

    /** @return the SHA-256 (hex) of everything read until EOF */
    static String digestUntilEof(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            sha.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static byte[] readUntilEof(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
