package dev.ix.reactor.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A copy of what is written to {@link System#err} while open, which shows what the server logged: slf4j-simple looks
 * {@code System.err} up at every line. For the tests of ix-reactor and of the modules built on it (test-jar).
 */
public final class CapturedStderr implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    /** Starts copying {@code System.err}; {@link #close()} puts the original back. */
    public CapturedStderr() {
        System.setErr(new PrintStream(new TeeStream(original, copy), true, StandardCharsets.UTF_8));
    }

    /** @return the messages logged on {@code logger} so far, in order, without slf4j-simple's prefix */
    public List<String> messages(String logger) {
        String marker = " " + logger + " - ";
        return copy.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(marker))
                .map(l -> l.substring(l.indexOf(marker) + marker.length())).toList();
    }

    /** @return everything written to {@code System.err} so far, as UTF-8 */
    public String text() {
        return copy.toString(StandardCharsets.UTF_8);
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
