package dev.ix.bench.measure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the counts out of {@code perf stat} output, in either of its formats:
 *
 * <ul>
 *   <li>CSV, from {@code -x,}: {@code value,unit,event,run-time,run-percentage[,metric,metric-unit]} per event
 *       (lines starting with {@code #} are comments). Prefix columns from aggregation options such as
 *       {@code --per-thread} or {@code -A} are not supported.</li>
 *   <li>the human format perf prints by default: {@code   12,345   [unit]   event   # metric}, with thousands
 *       separators as in the C and English locales.</li>
 * </ul>
 *
 * <p>An event perf could not count ({@code <not counted>}, {@code <not supported>}) maps to an empty value.
 * Stateless and thread-safe.
 */
final class PerfStatParser {

    private static final String NOT_COUNTED = "<not counted>";
    private static final String NOT_SUPPORTED = "<not supported>";

    /** Value, optional unit (task-clock's {@code msec}), event. */
    private static final Pattern HUMAN = Pattern.compile(
            "^\\s+([0-9][0-9,]*(?:\\.[0-9]+)?|<not counted>|<not supported>)\\s+(?:(msec|usec|nsec)\\s+)?(\\S+)");

    /** Modifiers perf appends to an event name, e.g. {@code cycles:u} when only user space may be counted. */
    private static final Pattern MODIFIERS = Pattern.compile(":[ukhIGHpPSDWeb]+$");

    private PerfStatParser() {
    }

    /**
     * @param output what perf wrote (its {@code -o} file, or its stderr)
     * @return each event's count in perf's unit (plain counts, or milliseconds for {@code task-clock}), in the order
     *         perf printed them; empty for an event it could not count
     */
    static Map<String, OptionalDouble> parse(String output) {
        Map<String, OptionalDouble> counts = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                Matcher m = HUMAN.matcher(line);
                // "1.23 seconds time elapsed", "... seconds user" and "... seconds sys" are timings, not events.
                if (m.find() && !m.group(3).equals("seconds")) {
                    counts.put(m.group(3), value(m.group(1).replace(",", "")));
                }
            } else {
                String[] fields = line.split(",", -1);
                if (fields.length >= 3 && !fields[2].isEmpty() && isValue(fields[0])) {
                    counts.put(fields[2], value(fields[0]));
                }
            }
        }
        return counts;
    }

    /**
     * @param output what perf wrote
     * @param event  an event as given to {@code -e}, e.g. {@code raw_syscalls:sys_enter}; matched with or without
     *               modifiers perf may have added ({@code raw_syscalls:sys_enter:u})
     * @return the event's count, or empty when perf did not print it or could not count it
     */
    static OptionalDouble count(String output, String event) {
        for (Map.Entry<String, OptionalDouble> e : parse(output).entrySet()) {
            String name = e.getKey();
            if (name.equals(event) || MODIFIERS.matcher(name).replaceFirst("").equals(event)) {
                return e.getValue();
            }
        }
        return OptionalDouble.empty();
    }

    private static boolean isValue(String field) {
        return field.equals(NOT_COUNTED) || field.equals(NOT_SUPPORTED) || field.matches("[0-9]+(\\.[0-9]+)?");
    }

    private static OptionalDouble value(String text) {
        return text.startsWith("<") ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(text));
    }
}
