package dev.ix.samples;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./ix stats}: reads {@code GET /stats/transport} of a running sample server and prints one row per ix loop.
 * With {@code --watch SECONDS} it reads again every interval and prints rates over it.
 *
 * <p>Exit status: 0, 2 for a bad command line, 1 when the server cannot be read.
 */
public final class StatsCommand {

    static final String USAGE = """
            usage: ./ix stats [URL] [--watch SECONDS]
              URL               the server's stats route (default http://127.0.0.1:$IX_PORT/stats/transport,
                                IX_PORT defaulting to 8080); host:port is enough
              --watch SECONDS   read again every SECONDS and print per-second rates (Ctrl-C stops)
            """;

    private static final String HEADER = "%-4s %6s %12s %9s %12s %7s %12s %12s %16s %7s %6s %6s %6s %8s%n";
    private static final String ROW = "%-4d %6s %12.0f %9.2f %12.0f %7.0f %12.0f %12.0f %16s %7.0f %6.0f %6.0f %6.0f"
            + " %8.0f%n";
    private static final Pattern LINE = Pattern.compile("([a-z.]+)\\{(.*)}\\s+(\\S+)");
    private static final Pattern LOOP_TAG = Pattern.compile("(?:^|,)loop=\"(\\d+)\"");

    private StatsCommand() {
    }

    /** Runs the command; see {@link #USAGE}. */
    public static void main(String[] args) throws InterruptedException {
        String url = "http://127.0.0.1:" + System.getenv().getOrDefault("IX_PORT", "8080") + "/stats/transport";
        int watch = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                case "--watch" -> {
                    try {
                        watch = Integer.parseInt(i + 1 < args.length ? args[++i] : "");
                    } catch (NumberFormatException e) {
                        watch = 0;
                    }
                    if (watch < 1) {
                        System.err.print("stats: --watch takes a number of seconds >= 1\n" + USAGE);
                        System.exit(2);
                    }
                }
                default -> {
                    if (args[i].startsWith("-")) {
                        System.err.print("stats: unknown option " + args[i] + "\n" + USAGE);
                        System.exit(2);
                    }
                    url = args[i].contains("/") ? args[i] : "http://" + args[i] + "/stats/transport";
                }
            }
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, Map<String, Double>> previous = null;
        do {
            Map<Integer, Map<String, Double>> now;
            try {
                now = parse(fetch(client, url));
            } catch (IOException e) {
                System.err.println("stats: cannot read " + url + ": " + e.getMessage()
                        + " (is a sample server running? ./ix hello starts one)");
                System.exit(1);
                return;
            }
            if (now.isEmpty()) {
                System.out.println("no ix loops at " + url + " (the server runs another transport)");
            } else {
                print(System.out, now, previous, watch);
            }
            previous = now;
            if (watch > 0) {
                Thread.sleep(watch * 1000L);
            }
        } while (watch > 0);
    }

    private static String fetch(HttpClient client, String url) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** @return loop index → meter name → value, from the text of {@link TransportStats#render()} */
    static Map<Integer, Map<String, Double>> parse(String text) {
        Map<Integer, Map<String, Double>> loops = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            Matcher loop = LOOP_TAG.matcher(m.group(2));
            if (!loop.find()) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(m.group(3));
            } catch (NumberFormatException e) {
                continue;
            }
            loops.computeIfAbsent(Integer.parseInt(loop.group(1)), k -> new TreeMap<>())
                    .merge(m.group(1), value, Double::sum);
        }
        return loops;
    }

    /**
     * One row per loop: totals since start, or with {@code previous} rates per second over {@code seconds}.
     */
    static void print(PrintStream out, Map<Integer, Map<String, Double>> now,
                      Map<Integer, Map<String, Double>> previous, int seconds) {
        boolean rates = previous != null && seconds > 0;
        out.printf(Locale.ROOT, HEADER,
                "loop", "busy", rates ? "turns/s" : "turns", "per turn", rates ? "enters/s" : "enters", "conns",
                rates ? "recv B/s" : "recv B", rates ? "sent B/s" : "sent B", "mbufs use/hw/cap", "enobufs",
                "stalls", "sqfull", "cqovf", "backoffs");
        for (Map.Entry<Integer, Map<String, Double>> e : now.entrySet()) {
            Map<String, Double> m = e.getValue();
            Map<String, Double> p = rates ? previous.getOrDefault(e.getKey(), Map.of()) : Map.of();
            double turns = delta(m, p, "ix.transport.turns", rates, seconds);
            double turnsRaw = m.getOrDefault("ix.transport.turns", 0.0) - p.getOrDefault("ix.transport.turns", 0.0);
            double completions = m.getOrDefault("ix.transport.completions", 0.0)
                    - p.getOrDefault("ix.transport.completions", 0.0);
            double busy = m.getOrDefault("ix.transport.busy", Double.NaN);
            out.printf(Locale.ROOT, ROW,
                    e.getKey(), Double.isNaN(busy) ? "-" : String.format(Locale.ROOT, "%.1f%%", busy * 100), turns,
                    turnsRaw == 0 ? 0 : completions / turnsRaw,
                    delta(m, p, "ix.transport.enter.calls", rates, seconds),
                    m.getOrDefault("ix.transport.connections", 0.0),
                    delta(m, p, "ix.transport.bytes.received", rates, seconds),
                    delta(m, p, "ix.transport.bytes.sent", rates, seconds),
                    String.format(Locale.ROOT, "%.0f/%.0f/%.0f", m.getOrDefault("ix.transport.mbufs.used", 0.0),
                            m.getOrDefault("ix.transport.mbufs.high.water", 0.0),
                            m.getOrDefault("ix.transport.mbufs.capacity", 0.0)),
                    m.getOrDefault("ix.transport.mbufs.enobufs", 0.0), m.getOrDefault("ix.transport.stalls", 0.0),
                    m.getOrDefault("ix.transport.sq.full", 0.0), m.getOrDefault("ix.transport.cq.overflows", 0.0),
                    m.getOrDefault("ix.transport.accept.backoffs", 0.0));
        }
    }

    private static double delta(Map<String, Double> now, Map<String, Double> previous, String name, boolean rates,
                                int seconds) {
        double v = now.getOrDefault(name, 0.0);
        return rates ? (v - previous.getOrDefault(name, 0.0)) / seconds : v;
    }
}
