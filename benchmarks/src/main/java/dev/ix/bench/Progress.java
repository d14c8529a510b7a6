package dev.ix.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on the terminal: share of the planned run time done, the step running and its phase.
 * Redraws at most a few times a second; prints plain lines instead when the output is not a terminal (CI logs).
 */
final class Progress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final double totalSeconds;
    private double doneSeconds;
    private String step = "";
    private long lastDraw;
    private int lastLength;

    /** @param totalSeconds the planned run time of all steps */
    Progress(PrintStream out, boolean terminal, double totalSeconds) {
        this.out = out;
        this.terminal = terminal;
        this.totalSeconds = Math.max(totalSeconds, 1);
    }

    /** A new step begins (printed as a line of its own when not on a terminal). */
    void step(String description) {
        step = description;
        if (!terminal) {
            out.println(String.format(Locale.ROOT, "[%3.0f%%] %s", 100 * doneSeconds / totalSeconds, step));
        }
        draw(true);
    }

    /** @param seconds planned seconds of the current step that are done, absolute within the whole run */
    void at(double seconds) {
        doneSeconds = Math.min(seconds, totalSeconds);
        draw(false);
    }

    /** Clears the bar so that what follows starts on a clean line. */
    void finish() {
        if (terminal && lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            out.flush();
        }
    }

    private void draw(boolean force) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double share = doneSeconds / totalSeconds;
        int filled = (int) Math.round(share * WIDTH);
        String line = String.format(Locale.ROOT, "\r[%s%s] %3.0f%%  %s", "#".repeat(filled), ".".repeat(WIDTH - filled),
                share * 100, step);
        int length = line.length() - 1;
        out.print(line + " ".repeat(Math.max(0, lastLength - length)));
        lastLength = length;
        out.flush();
    }
}
