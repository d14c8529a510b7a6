package dev.ix.samples.kv;

import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same seeded random command sequence against kv and the real memcached ({@code -t 1 -m 64 -U 0}): pipelined
 * batches of every text and meta command, noreply, bad commands, an oversize value now and then. Answers must be
 * byte for byte the same, except what differs by nature: CAS values (compared as a pattern: the n-th distinct value
 * of one server must be the n-th of the other), remaining TTLs and the version string. Skipped when memcached is
 * not installed.
 *
 * <p>Left out on purpose: a get with a too-long key after other commands of the same batch (memcached then drops
 * the batch's earlier unsent answers, kv does not), reading back a counter (whether memcached pads a shorter result
 * depends on its LRU thread, see {@link CommandGenerator}), data blocks of the wrong length followed by long lines
 * (whether memcached hangs up depends on how its reads split them), {@code quit}, {@code stats}, and small positive
 * expiry times (whether they pass during a batch depends on timing).
 */
@RequiresIoUring
class MemcachedDifferentialTest {
    private static final Path MEMCACHED = Path.of("/usr/bin/memcached");
    private static final long SEED = Long.getLong("dev.ix.test.kv.seed", 20261204L);
    private static final int BATCHES = 400;
    private static final Pattern CAS = Pattern.compile("(?m)(^VALUE \\S+ \\d+ \\d+ |(?<= )c)(\\d+)");
    private static final Pattern TTL = Pattern.compile("(?<= )t(\\d+)");
    private static final Pattern GETS_CAS = Pattern.compile("(?m)^VALUE (\\S+) \\d+ \\d+ (\\d+)\r$");

    private Process memcached;
    private KvServer kv;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(MEMCACHED), MEMCACHED + " is not installed (benchmarks/install-tools.sh"
                + " --test-tools installs it)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(MEMCACHED.toString(), "-p", String.valueOf(port), "-U", "0",
                "-t", "1", "-m", "64", "-l", "127.0.0.1"));
        if (System.getProperty("user.name").equals("root")) {
            command.addAll(List.of("-u", "nobody")); // memcached refuses to run as root without -u
        }
        memcached = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int memcachedPort = port;
        assertThat(Poll.until(() -> {
            try (Socket ignored = new Socket("127.0.0.1", memcachedPort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        })).as("memcached accepts connections").isTrue();
        kv = KvServer.start(KvOptions.defaults().withHost("127.0.0.1").withPort(0).withThreads(1));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (kv != null) {
            kv.close();
        }
        if (memcached != null) {
            memcached.destroy();
            memcached.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void answersEveryCommandAsMemcachedDoes() throws Exception {
        int memcachedPort = Integer.parseInt(memcachedPort());
        Random random = new Random(SEED);
        CommandGenerator generator = new CommandGenerator(random);
        try (TextClient reference = new TextClient(memcachedPort); TextClient subject = new TextClient(kv.port())) {
            reference.call("flush_all\r\n");
            Map<String, String> referenceCas = new HashMap<>();
            Map<String, String> subjectCas = new HashMap<>();
            CasPattern pattern = new CasPattern();
            for (int batch = 0; batch < BATCHES; batch++) {
                String template = generator.batch();
                int mns = generator.lastNoOps() + 1;
                String expected;
                String actual;
                try {
                    expected = exchange(reference, template, referenceCas, mns);
                    actual = exchange(subject, template, subjectCas, mns);
                } catch (IOException e) {
                    throw new AssertionError("batch " + batch + " (seed " + SEED + "):\n" + template, e);
                }
                String[] normalized = pattern.normalize(expected, actual);
                assertThat(normalized[1]).as("batch %d (seed %d):\n%s", batch, SEED, template)
                        .isEqualTo(normalized[0]);
            }
        }
    }

    /** Sends the batch with this server's CAS values filled in; returns its answers, learning new CAS values. */
    private static String exchange(TextClient client, String template, Map<String, String> cas, int noOps)
            throws IOException {
        Matcher m = Pattern.compile("\\{CAS:(\\S+?)}").matcher(template);
        StringBuilder request = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(request, cas.getOrDefault(m.group(1), "12345"));
        }
        m.appendTail(request);
        client.send(request + "mn\r\n");
        StringBuilder answers = new StringBuilder();
        int seen = 0;
        while (seen < noOps) {
            String part = client.readUntil("MN\r\n");
            answers.append(part);
            if (part.endsWith("<EOF>")) {
                break; // the server closed the connection: the comparison shows where
            }
            seen = countNoOps(answers);
        }
        String s = answers.toString();
        Matcher g = GETS_CAS.matcher(s);
        while (g.find()) {
            cas.put(g.group(1), g.group(2));
        }
        return s;
    }

    private static int countNoOps(CharSequence s) {
        int n = 0;
        String str = s.toString();
        for (int i = str.indexOf("MN\r\n"); i >= 0; i = str.indexOf("MN\r\n", i + 1)) {
            if (i == 0 || str.charAt(i - 1) == '\n') {
                n++;
            }
        }
        return n;
    }

    private String memcachedPort() {
        List<String> args = memcached.info().arguments().map(List::of).orElseThrow();
        return args.get(args.indexOf("-p") + 1);
    }

    /** Maps each server's CAS values to their order of first appearance, so that patterns compare. */
    private static final class CasPattern {
        private final Map<String, Integer> reference = new HashMap<>();
        private final Map<String, Integer> subject = new HashMap<>();

        String[] normalize(String expected, String actual) {
            return new String[] {rewrite(expected, reference), rewrite(actual, subject)};
        }

        private static String rewrite(String s, Map<String, Integer> seen) {
            s = s.replaceAll("VERSION \\S+", "VERSION <v>");
            s = TTL.matcher(s).replaceAll("t<ttl>");
            Matcher m = CAS.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = m.group(2);
                String id = value.equals("0") ? "0" : "#" + seen.computeIfAbsent(value, v -> seen.size() + 1);
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + id));
            }
            m.appendTail(out);
            return out.toString();
        }
    }
}
