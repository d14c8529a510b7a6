package dev.ix.bench.load;

import org.HdrHistogram.Histogram;

/**
 * Everything one run of {@link LoadGenerator} measured, for the wrk2-style report: the {@link LoadResult} and what
 * it leaves out.
 *
 * @param result       the summary; its histogram is the latency from each request's intended send time, in µs
 * @param serviceTime  latency from each request's actual send time, in µs (what a coordinated-omission-prone
 *                     generator would report)
 * @param bytes        bytes received in the window
 * @param connect      connect errors
 * @param read         read errors: resets, closes with requests unanswered, malformed responses
 * @param write        write errors
 * @param timeout      requests unanswered within the timeout
 * @param status       responses whose status is not 2xx or 3xx (RPC: error responses)
 * @param unsent       open-loop requests due in the window that had not left when it closed; their latency is
 *                     charged in the histogram as {@code window end - intended send time}
 * @param rateSamples  responses per second, one sample per generator thread and whole second of the window
 */
record LoadReport(LoadResult result, Histogram serviceTime, long bytes, long connect, long read, long write,
                  long timeout, long status, long unsent, long[] rateSamples) {
}
