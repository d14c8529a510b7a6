package dev.ix.bench.load;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * What one generator event loop measured in the window. Written only on that loop's thread, without locks; read by
 * another thread only after the loop has handed it over (a task's completion orders the two).
 *
 * <p>Everything before the window's start (the warm-up) is discarded as it comes, which is the same as resetting at
 * the window's start but needs no hand-off between threads.
 */
final class LoopStats {

    /** The highest latency a histogram tracks, in µs (one day, as wrk2); longer ones are recorded as this. */
    static final long MAX_MICROS = 24L * 60 * 60 * 1_000_000;

    /** Significant decimal digits of the histograms, as wrk2. */
    static final int DIGITS = 3;

    /** From each request's intended send time to its response, or to when it was given up or charged unsent, µs. */
    final Histogram latency = newHistogram();
    final Histogram serviceTime = newHistogram();
    /** From each request's intended send time to its actual send (or to the window's end, unsent), µs. */
    final Histogram sendLag = newHistogram();
    long requests;
    /** Responses of the whole run, the warm-up and the drain after the window included. */
    long allResponses;
    long bytes;
    long status;
    long connect;
    long read;
    long write;
    long timeout;
    /** Open-loop requests due in the window that had not left when it closed. */
    long unsent;

    private long windowStart = Long.MAX_VALUE;
    private long[] samples = new long[16];
    private int sampleCount;
    private long requestsAtLastSample;

    /** @param windowStart {@link System#nanoTime()} at which the measured window opens; until then nothing counts */
    void windowStartsAt(long windowStart) {
        this.windowStart = windowStart;
    }

    static Histogram newHistogram() {
        return new Histogram(MAX_MICROS, DIGITS);
    }

    /**
     * Records one response.
     *
     * @param now      its arrival, ns ({@link System#nanoTime()})
     * @param intended when the request was due to be sent, ns; the latency counts from here
     * @param sent     when it was actually sent, ns; the service time counts from here
     * @param code     its status code; not 2xx or 3xx is an error
     */
    void response(long now, long intended, long sent, int code) {
        allResponses++;
        if (now < windowStart) {
            return;
        }
        requests++;
        latency.recordValue(micros(now - intended));
        serviceTime.recordValue(micros(now - sent));
        if (code < 200 || code > 399) {
            status++;
        }
    }

    void bytes(long now, int n) {
        if (now >= windowStart) {
            bytes += n;
        }
    }

    void connectError(long now) {
        if (now >= windowStart) {
            connect++;
        }
    }

    void readError(long now) {
        if (now >= windowStart) {
            read++;
        }
    }

    void writeError(long now) {
        if (now >= windowStart) {
            write++;
        }
    }

    /**
     * Records one request given up unanswered (timed out, or still in flight at the end): it counts as a timeout,
     * and its latency, from its intended send time to {@code now}, goes into the histogram. Counting it only as an
     * error would leave out of the percentiles exactly the requests a stalled server made wait longest.
     *
     * @param now      when it was given up, ns
     * @param intended when it was due to be sent, ns
     */
    void timedOut(long now, long intended) {
        if (now >= windowStart) {
            timeout++;
            latency.recordValue(micros(now - intended));
        }
    }

    /**
     * Records one request's send. Closed loop, {@code intended == sent}: no lag.
     *
     * @param sent     when it left, ns
     * @param intended when it was due to be sent, ns
     */
    void sent(long sent, long intended) {
        if (sent >= windowStart) {
            sendLag.recordValue(micros(sent - intended));
        }
    }

    /**
     * Charges one open-loop request that was due before the window closed but never left (its connection's pipeline
     * was full, or it was reconnecting): latency and send lag are {@code windowEnd - intended}, the least it would
     * have waited. A generator that dropped them would report a stalled server as a quiet one.
     */
    void unsent(long windowEnd, long intended) {
        unsent++;
        long us = micros(windowEnd - intended);
        latency.recordValue(us);
        sendLag.recordValue(us);
    }

    /** Closes a one-second interval of the window: its responses become one Req/Sec sample. */
    void sample() {
        if (sampleCount == samples.length) {
            samples = Arrays.copyOf(samples, sampleCount * 2);
        }
        samples[sampleCount++] = requests - requestsAtLastSample;
        requestsAtLastSample = requests;
    }

    /** @return responses in each whole second of the window so far */
    long[] samples() {
        return Arrays.copyOf(samples, sampleCount);
    }

    long errors() {
        return status + connect + read + write + timeout;
    }

    private static long micros(long nanos) {
        long us = nanos / 1000;
        return us < 0 ? 0 : Math.min(us, MAX_MICROS);
    }
}
