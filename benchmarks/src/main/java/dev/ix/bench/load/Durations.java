package dev.ix.bench.load;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as wrk writes them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, and {@code 500us} (or
 * {@code 500µs}) for latency bounds; a bare number is seconds.
 */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(us|µs|ms|s|m|h)?",
            Pattern.CASE_INSENSITIVE);

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException with a message naming the expected form
     */
    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(text + ": expected a duration such as 500ms, 10s, 2m or 1h");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        double millis = switch (unit) {
            case "us", "µs" -> value / 1_000;
            case "ms" -> value;
            case "m" -> value * 60_000;
            case "h" -> value * 3_600_000;
            default -> value * 1_000;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** @return {@code d} in the shortest exact unit of {@link #parse}'s form, e.g. {@code 10s} */
    public static String format(Duration d) {
        if (d.toNanos() % 1_000_000 != 0) {
            return d.toNanos() / 1_000 + "us";
        }
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
