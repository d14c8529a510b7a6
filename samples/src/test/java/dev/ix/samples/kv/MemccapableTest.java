package dev.ix.samples.kv;

import dev.ix.transport.test.RequiresIoUring;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * libmemcached's conformance checker, {@code memccapable -a} (its text-protocol tests), against kv on ix. Skipped
 * when the tool is not installed ({@code benchmarks/install-tools.sh --test-tools} installs it, as {@code .ci/run}
 * does). kv has no binary protocol, so {@code -b} is not run.
 */
@RequiresIoUring
class MemccapableTest {
    private static final Path MEMCCAPABLE = Path.of("/usr/bin/memccapable");
    /** Tests allowed not to pass, each with the reason (samples/README.md lists them): none. */
    private static final Map<String, String> SKIPPED = Map.of();
    private static final Pattern RESULT = Pattern.compile("^(ascii .*?)\\s+\\[(\\w+)]\\s*$");

    @Test
    void passesEveryTextProtocolTest() throws Exception {
        assumeTrue(Files.isExecutable(MEMCCAPABLE),
                MEMCCAPABLE + " is not installed (benchmarks/install-tools.sh --test-tools installs it)");
        try (KvServer server = KvServer.start(KvOptions.defaults().withHost("127.0.0.1").withPort(0).withThreads(1))) {
            Process p = new ProcessBuilder(MEMCCAPABLE.toString(), "-h", "127.0.0.1", "-p",
                    String.valueOf(server.port()), "-a", "-t", "10").redirectErrorStream(true).start();
            String output = readAll(p);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("memccapable ended").isTrue();
            List<String> failed = new ArrayList<>();
            int passed = 0;
            for (String line : output.split("\n")) {
                Matcher m = RESULT.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                if (m.group(2).equals("pass")) {
                    passed++;
                } else if (!SKIPPED.containsKey(m.group(1))) {
                    failed.add(line);
                }
            }
            assertThat(failed).as("memccapable output:\n" + output).isEmpty();
            assertThat(passed).as("memccapable output:\n" + output).isGreaterThanOrEqualTo(27);
            assertThat(p.exitValue()).as("memccapable output:\n" + output).isZero();
        }
    }

    private static String readAll(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
