package dev.ix.bench.scale;

import dev.ix.bench.load.Percentiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What one step measured for one transport: the idle connections opened, the server's memory growth over them and
 * the latency of the active connections while they were held.
 *
 * @param transport      the server's transport
 * @param requested      idle connections asked for
 * @param opened         idle connections opened (echoed once)
 * @param connectSeconds from the first connect to the last idle connection's outcome
 * @param failures       idle connections that could not be opened, by kind
 * @param rssDelta       growth of the server's RSS, bytes
 * @param heapDelta      growth of the server's live heap, bytes, if measured
 * @param kernelDelta    growth of the machine's slab memory in use, bytes (both ends), if measured
 * @param filesDelta     growth of the server's open file descriptors
 * @param latency        percentiles of the active connections' round trips, µs
 * @param sent           messages intended within the measured window
 * @param answered       of those, echoed
 * @param serverMicrosPerMessage the server's CPU time during the latency load (warm-up and window) per message
 *                       sent, µs, or NaN
 * @param otherCores     CPU other programs used meanwhile, in cores (1 = one CPU busy the whole time), or NaN
 * @param dropped        connections the server closed while they were held
 * @param note           anything else worth reading beside the figures, or empty
 */
record ScaleResult(String transport, int requested, int opened, double connectSeconds,
                   Map<ConnectError, Integer> failures, long rssDelta, OptionalLong heapDelta,
                   OptionalLong kernelDelta, long filesDelta, Percentiles latency, long sent, long answered,
                   double serverMicrosPerMessage, double otherCores, long dropped, String note) {

    /** Other programs' CPU above this many cores is named in {@link #remarks()}: the latency was shared. */
    static final double NOTABLE_OTHER_CORES = 0.1;

    /** @return server RSS growth per idle connection, bytes, or NaN without connections */
    double rssPerConnection() {
        return perConnection(rssDelta);
    }

    /** @return server live-heap growth per idle connection, bytes, or NaN */
    double heapPerConnection() {
        return heapDelta.isPresent() ? perConnection(heapDelta.getAsLong()) : Double.NaN;
    }

    /** @return RSS plus live-heap growth per idle connection, bytes, or NaN when either is unknown */
    double userPerConnection() {
        return heapDelta.isPresent() ? perConnection(rssDelta + heapDelta.getAsLong()) : Double.NaN;
    }

    /** @return kernel slab growth per connection pair (client and server socket), bytes, or NaN */
    double kernelPerConnection() {
        return kernelDelta.isPresent() ? perConnection(kernelDelta.getAsLong()) : Double.NaN;
    }

    /** @return idle connections opened per second, or NaN without connections */
    double connectsPerSecond() {
        return opened == 0 || connectSeconds <= 0 ? Double.NaN : opened / connectSeconds;
    }

    /** @return idle connections that could not be opened */
    int failed() {
        return failures.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** @return failures by kind, dropped and unanswered messages, and the note, as one cell of text */
    String remarks() {
        List<String> parts = new ArrayList<>();
        failures.forEach((kind, n) -> parts.add(n + " " + kind.label()));
        if (dropped > 0) {
            parts.add(dropped + " dropped");
        }
        if (sent > answered) {
            parts.add((sent - answered) + " unanswered");
        }
        if (otherCores > NOTABLE_OTHER_CORES) {
            parts.add(String.format(Locale.ROOT, "other programs used %.2f cores", otherCores));
        }
        if (!note.isEmpty()) {
            parts.add(note);
        }
        return String.join("; ", parts);
    }

    private double perConnection(long bytes) {
        return opened == 0 ? Double.NaN : (double) bytes / opened;
    }
}
