package dev.ix.bench.load;

import java.io.PrintStream;
import java.util.List;

/**
 * A wrk2-compatible command line for the built-in load generator: wrk2's options and output, with {@code -R}
 * optional (without it the load is closed loop, as wrk's) and a few options of our own. See {@link #HELP}.
 *
 * <p>Exit status: 0 after a run (whatever errors it counted) or {@code --help}; 1 for a bad command line or a run
 * that could not start (connection refused, transport unavailable).
 */
public final class LoadCommand {

    static final String HELP = """
            Usage: load <options> <url>
              A wrk2-compatible HTTP/1.1 load generator on Netty (ix, epoll or NIO event loops).
              <url> is http://host:port/path, or rpc://host:port for ix RPC request frames (each
              carrying "Hello, World!"; responses must come in request order, as an echo's do), or
              memcache://host:port/usr|etc for memcached text-protocol GETs and SETs of the USR or ETC
              workload (Atikoglu et al.; ?keys=N, default 100000). Nothing is preloaded (./ix bench kv
              does): a GET's miss counts as a non-2xx answer.
              Options:
                -c, --connections <N>  Connections to keep open                    (default 10)
                -d, --duration    <T>  Duration of the measured window             (default 10s)
                -t, --threads     <N>  Number of threads (event loops) to use      (default 2)

                -H, --header      <H>  Add header to request, "Name: value" (repeatable)
                -L  --latency          Print the detailed latency percentile spectrum
                -U  --u_latency        Also print the uncorrected latency statistics
                    --timeout     <T>  Response (and connect) timeout              (default 2s)
                -R, --rate        <N>  Work rate (throughput) in requests/sec over all connections.
                                       Optional, unlike wrk2: without it the load is CLOSED LOOP

                    --pipeline    <N>  Requests in flight per connection           (default 1)
                    --warmup      <T>  Load applied before the window and not measured; with -R,
                                       requests it could not send by the window's start leave in the
                                       window and count from their intended time, as in wrk2
                                       (default 5s; 0 to skip)
                    --transport   <X>  ix, epoll or nio: the generator's own transport
                                       (default epoll, else nio; ix only when asked: an ix
                                       generator loading an ix server flatters it)
                -h, --help             Print this help

              Not supported: -s/--script (Lua), -B/--batch_latency.

              Open loop (-R given): each connection sends R/connections requests per second on a fixed
                schedule. A request that cannot leave on time (its connection has --pipeline requests in
                flight, or is reconnecting) keeps its intended send time, and its latency counts from that
                time, not from when it actually left: a server stall shows in full in the percentiles
                (no coordinated omission, as in wrk2). Beyond wrk2: a request that times out is in the
                latency too (to when it was given up), and a request due but not sent when the window
                closes is charged (window end - intended time) and counted as unsent. The send lag
                (actual - intended send time) is printed as its own distribution, so a generator that
                falls behind shows. -U prints the latency from the actual send as well.
              Closed loop (no -R): each connection keeps --pipeline requests in flight and sends the next
                as soon as a response arrives, which measures maximum throughput, as wrk does; latency
                counts from the actual send.

              Latencies are measured with System.nanoTime and recorded in microseconds (1 us resolution,
              3 significant digits, HdrHistogram). Non-2xx/3xx responses, connect/read/write errors and
              responses later than --timeout count as errors.

              Numeric arguments may include a SI unit (1k, 1M, 1G)
              Time arguments may include a time unit (500ms, 2s, 2m, 2h)
            """;

    private LoadCommand() {
    }

    /**
     * Runs the command, printing to {@code System.out} (and one-line errors to {@code System.err}), and exits with
     * its status when that is not 0.
     *
     * @param args wrk2's arguments and ours, see {@link #HELP}
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * @param out the report (wrk2's format) or the help
     * @param err a one-line message when the command line is bad or the run cannot start
     * @return the exit status
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        LoadArgs parsed;
        try {
            parsed = LoadArgs.parse(args);
        } catch (LoadArgs.UsageException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (parsed.help()) {
            out.print(HELP);
            out.flush();
            return 0;
        }
        LoadSpec spec;
        try {
            spec = parsed.spec();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        WrkReport report = new WrkReport(out);
        report.header(parsed);
        LoadReport result;
        try {
            result = LoadGenerator.run(spec, List.copyOf(parsed.headers()), null);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println(e.getMessage());
            return 1;
        }
        report.results(parsed, result);
        return 0;
    }
}
