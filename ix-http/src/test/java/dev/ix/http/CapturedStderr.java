package dev.ix.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A copy of what is written to {@link System#err} while open, which shows what the server logged: slf4j-simple looks
 * {@code System.err} up at every line.
 */
final class CapturedStderr implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    CapturedStderr() {
        System.setErr(new PrintStream(new TeeStream(original, copy), true, StandardCharsets.UTF_8));
    }

    /** @return the messages logged on {@code logger} so far, in order, without slf4j-simple's prefix */
    List<String> messages(String logger) {
        String marker = " " + logger + " - ";
        return copy.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(marker))
                .map(l -> l.substring(l.indexOf(marker) + marker.length())).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    /** Writes to two streams. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
