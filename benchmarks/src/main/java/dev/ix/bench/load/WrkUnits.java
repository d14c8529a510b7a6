package dev.ix.bench.load;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbers as wrk and wrk2 read and print them: SI counts ({@code 1k}), times ({@code 2s}, {@code 2m},
 * {@code 2h}), and the scaled output ({@code 6.60ms}, {@code 1.04k}, {@code 19.81MB}) with wrk's quirks kept: a unit
 * is taken from 85 % of the next one up, and the largest unit of each scale is never reached.
 */
final class WrkUnits {

    private static final Pattern COUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)([kKmMgG]?)");

    private static final String[] MICROS_UNITS = {"ms", "s"};
    private static final String[] SECONDS_UNITS = {"m", "h"};
    private static final String[] BINARY_UNITS = {"K", "M", "G", "T", "P"};
    private static final String[] METRIC_UNITS = {"k", "M", "G", "T", "P"};

    private WrkUnits() {
    }

    /**
     * @return {@code text} as a number with an optional SI suffix ({@code k}, {@code M}, {@code G}, any case), or
     *         -1 when it is not one
     */
    static double count(String text) {
        Matcher m = COUNT.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        double base = Double.parseDouble(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> base * 1e3;
            case "m" -> base * 1e6;
            case "g" -> base * 1e9;
            default -> base;
        };
    }

    /** @return {@code text} as a time ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, bare = seconds), or null */
    static Duration time(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException notATime) {
            return null;
        }
    }

    /** @return a duration in µs as wrk prints latencies: {@code 812.00us}, {@code 6.60ms}, {@code 1.20s} */
    static String micros(double us) {
        if (us >= 1_000_000.0) {
            return scaled(us / 1_000_000.0, 60, "s", SECONDS_UNITS, 2);
        }
        return scaled(us, 1000, "us", MICROS_UNITS, 2);
    }

    /** @return a duration in seconds as wrk prints the test's length: {@code 30s}, {@code 1m} */
    static String seconds(double s) {
        return scaled(s, 60, "s", SECONDS_UNITS, 0);
    }

    /** @return a byte count with binary units, no {@code B}: {@code 19.81M} */
    static String binary(double n) {
        return scaled(n, 1024, "", BINARY_UNITS, 2);
    }

    /** @return a count with SI units: {@code 1.04k}, {@code 151.22} */
    static String metric(double n) {
        return scaled(n, 1000, "", METRIC_UNITS, 2);
    }

    private static String scaled(double n, int scale, String base, String[] units, int precision) {
        double amount = n;
        String unit = base;
        double threshold = scale * 0.85;
        for (int i = 0; i + 1 < units.length && amount >= threshold; i++) {
            amount /= scale;
            unit = units[i];
        }
        return String.format(Locale.ROOT, "%." + precision + "f%s", amount, unit);
    }

    /**
     * @return {@code text} right-aligned in a field of {@code width}, as wrk's table columns: the two characters of
     *         a unit (or of padding when there is none) stick out to the right
     */
    static String column(String text, int width) {
        int pad = 2;
        int len = text.length();
        if (len >= 1 && Character.isLetter(text.charAt(len - 1))) {
            pad--;
        }
        if (len >= 2 && Character.isLetter(text.charAt(len - 2))) {
            pad--;
        }
        int w = width - pad;
        return String.format(Locale.ROOT, "%" + w + "." + w + "s", text) + "  ".substring(0, pad);
    }
}
