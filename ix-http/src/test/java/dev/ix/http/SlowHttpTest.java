package dev.ix.http;

import dev.ix.reactor.IxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * slowhttptest's slowloris ({@code -H}) and slow body ({@code -B}) attacks against a server with 2 s header and body
 * timeouts: every slow connection is closed by the server at its deadline, none is left open or pending when the
 * attack ends, and a normal client keeps getting answers meanwhile. What the server did is read from slowhttptest's
 * verbose log (a line per socket closed by the peer, stamped to the second, and what each received) and its CSV
 * (closed, pending and connected counts per second; its last row may lag the exit by up to a second). Skipped when
 * slowhttptest is not installed ({@code benchmarks/install-tools.sh --test-tools} installs it; {@code .ci/run} calls
 * that). Its CSV, HTML and log are kept in {@code target/slowhttptest/}.
 */
class SlowHttpTest {
    private static final Path BINARY = Path.of("/usr/bin/slowhttptest");
    private static final int CONNECTIONS = 200;
    private static final int TIMEOUT_SECONDS = 2;
    /** The attack's length: three timeouts and some, so connections not closed would show as still connected. */
    private static final int TEST_SECONDS = 7;

    /** slowhttptest's log lines start with a ctime stamp: {@code Fri Dec  4 21:16:55 2026:}. */
    private static final Pattern STAMP = Pattern.compile("(\\d\\d):(\\d\\d):(\\d\\d) \\d{4}:");
    private static final Pattern CLOSED = Pattern.compile(STAMP.pattern()
            + "run_test: ?(?:socket \\d+ closed|error sending)"); // closed seen by a read, or by a failed send

    private static IxServer server;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(BINARY), BINARY + " is not installed: benchmarks/install-tools.sh "
                + "--test-tools installs slowhttptest (Debian package slowhttptest)");
        server = IxHttpServer.create().loops(1)
                .headerReadTimeout(Duration.ofSeconds(TIMEOUT_SECONDS))
                .bodyReadTimeout(Duration.ofSeconds(TIMEOUT_SECONDS))
                .route(r -> r
                        .get("/hello", (req, res) -> res.sendString("hello"))
                        .post("/upload", (req, res) -> res.send(req.body())))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldCloseSlowlorisConnectionsAtTheHeaderDeadline() throws Exception {
        // Each connection sends a header line of up to 24 bytes every second: under any per-byte timeout.
        attack("slowloris", "-H", "-t", "GET", "-u", url("/hello"));
    }

    @Test
    void shouldCloseSlowBodyConnectionsAtTheBodyDeadline() throws Exception {
        // Each connection declares an 8 KiB body and sends up to 24 bytes of it every 3 s: past the body timeout.
        attack("slowbody", "-B", "-i", "3", "-s", "8192", "-t", "POST", "-u", url("/upload"));
    }

    private void attack(String name, String... mode) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "slowhttptest"));
        Path csv = dir.resolve(name + ".csv");
        Files.deleteIfExists(csv);
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-c", String.valueOf(CONNECTIONS),
                "-r", String.valueOf(CONNECTIONS), "-i", "1", "-l", String.valueOf(TEST_SECONDS), "-p", "3",
                "-g", "-o", dir.resolve(name).toString(), "-v", "4"));
        command.addAll(List.of(mode)); // a second -i overrides the first
        ProbeClient probe = new ProbeClient();
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("slowhttptest ended").isTrue();
        } finally {
            p.destroyForcibly();
            probe.stop();
        }

        // The verbose log has a line per slow socket the server closed, stamped to the second, and what it got.
        String log = Files.readString(dir.resolve(name + ".log"), StandardCharsets.ISO_8859_1);
        Matcher stamp = STAMP.matcher(log);
        assertThat(stamp.find()).as("a timestamp in " + name + ".log").isTrue();
        int startSecond = secondOfDay(stamp);
        Map<Integer, Integer> closedAt = new TreeMap<>(); // seconds after slowhttptest started -> sockets closed
        Matcher closed = CLOSED.matcher(log);
        while (closed.find()) {
            closedAt.merge(Math.floorMod(secondOfDay(closed) - startSecond, 86_400), 1, Integer::sum);
        }
        List<int[]> rows = readCsv(csv); // seconds, closed, pending, connected, service available
        System.out.println(name + ": sockets closed by the server per second after the start " + closedAt
                + "; 408 answers " + count(log, "HTTP/1.1 408 Request Timeout") + "; probe client "
                + probe.answered + " answered, " + probe.failed + " failed");

        // All slow sockets closed before -l ran out.
        assertThat(log).as("slowhttptest's exit status").contains("No open connections left");
        assertThat(rows.stream().mapToInt(r -> r[1] + r[3]).max().orElse(0)).as("slow connections established")
                .isEqualTo(CONNECTIONS);
        assertThat(rows.stream().filter(r -> r[0] < TIMEOUT_SECONDS).mapToInt(r -> r[1]).max().orElse(0))
                .as("closed before the deadline (CSV)").isZero();
        assertThat(closedAt.values().stream().mapToInt(Integer::intValue).sum()).as("closed by the server")
                .isEqualTo(CONNECTIONS);
        assertThat(closedAt.keySet()).as("seconds at which they were closed").allMatch(
                second -> second >= TIMEOUT_SECONDS && second <= TEST_SECONDS);
        assertThat(count(log, "HTTP/1.1 408 Request Timeout")).as("408 answers").isEqualTo(CONNECTIONS);
        assertThat(probe.failed.get()).as("normal requests failed during the attack").isZero();
        assertThat(probe.answered.get()).as("normal requests answered during the attack").isPositive();
    }

    private static int secondOfDay(Matcher m) {
        return Integer.parseInt(m.group(1)) * 3600 + Integer.parseInt(m.group(2)) * 60 + Integer.parseInt(m.group(3));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** @return the CSV's rows as numbers, header skipped */
    private static List<int[]> readCsv(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.US_ASCII);
        assertThat(lines.getFirst()).isEqualTo("Seconds,Closed,Pending,Connected,Service Available");
        List<int[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                String[] cells = line.split(",");
                int[] row = new int[cells.length];
                for (int i = 0; i < cells.length; i++) {
                    row[i] = Integer.parseInt(cells[i].trim());
                }
                rows.add(row);
            }
        }
        assertThat(rows).isNotEmpty();
        return rows;
    }

    /** A JDK HttpClient asking for {@code /hello} every 50 ms on a thread of its own until stopped. */
    private static final class ProbeClient {
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        private final AtomicBoolean done = new AtomicBoolean();
        private final Thread thread;

        ProbeClient() {
            thread = Thread.ofPlatform().name("slowhttptest-probe").start(this::run);
        }

        private void run() {
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build()) {
                HttpRequest get = HttpRequest.newBuilder(URI.create(url("/hello"))).timeout(Duration.ofSeconds(10))
                        .build();
                while (!done.get()) {
                    try {
                        HttpResponse<String> r = client.send(get, HttpResponse.BodyHandlers.ofString());
                        (r.statusCode() == 200 && "hello".equals(r.body()) ? answered : failed).incrementAndGet();
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() throws InterruptedException {
            done.set(true);
            thread.join();
        }
    }
}
