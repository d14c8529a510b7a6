package dev.ix.bench;

import java.util.Locale;

/**
 * A small streaming JSON writer for the result files: objects, arrays, strings, numbers ({@code NaN} and infinities
 * are written as {@code null}: not measured), booleans. Indents two spaces per level.
 */
final class Json {
    private final StringBuilder out = new StringBuilder();
    private int depth;
    private boolean first = true;
    private boolean afterKey;

    Json beginObject() {
        value("{");
        depth++;
        first = true;
        return this;
    }

    Json endObject() {
        return end('}');
    }

    Json beginArray() {
        value("[");
        depth++;
        first = true;
        return this;
    }

    Json endArray() {
        return end(']');
    }

    Json key(String name) {
        separator();
        out.append(quote(name)).append(": ");
        afterKey = true;
        return this;
    }

    Json string(String s) {
        return value(s == null ? "null" : quote(s));
    }

    Json number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return value("null");
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return value(Long.toString((long) d));
        }
        return value(String.format(Locale.ROOT, "%.6g", d).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2")
                .replaceFirst("\\.(e|$)", "$1"));
    }

    Json bool(boolean b) {
        return value(Boolean.toString(b));
    }

    /** Shorthands for a key followed by its value. */
    Json field(String name, String s) {
        return key(name).string(s);
    }

    Json field(String name, double d) {
        return key(name).number(d);
    }

    Json field(String name, boolean b) {
        return key(name).bool(b);
    }

    @Override
    public String toString() {
        return out + "\n";
    }

    private Json value(String text) {
        if (!afterKey) {
            separator();
        }
        afterKey = false;
        out.append(text);
        first = false;
        return this;
    }

    private void separator() {
        if (depth == 0) {
            return;
        }
        if (!first) {
            out.append(',');
        }
        out.append('\n').append("  ".repeat(depth));
        first = false;
    }

    private Json end(char c) {
        depth--;
        if (!first) {
            out.append('\n').append("  ".repeat(depth));
        }
        out.append(c);
        first = false;
        return this;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
