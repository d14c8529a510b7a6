package dev.ix.samples.kv;

import dev.ix.transport.test.LeakTrackingOff;
import dev.ix.transport.test.RequiresIoUring;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kv's request path allocates (almost) nothing in steady state: the bytes the serving loop thread allocated
 * (HotSpot's per-thread counter, not a timing) over a mix of get, gets, multi-key get, set (new values of existing
 * keys, small and ETC-sized), delete, add and incr, sent over a real socket pipelined and one command at a time,
 * stay under {@value #MAX_BYTES_PER_REQUEST} B per request. Before kv copied item bytes with plain long reads and
 * writes and kept one reply buffer per connection, a set cost about 70 B and every reply buffer a fresh
 * {@code ByteBuffer} view.
 *
 * <p>Leak tracking is switched off while measuring: paranoid tracking records a stack trace per buffer, which is the
 * very allocation this test must not see. Every other test of the module runs with it.
 */
@RequiresIoUring
@LeakTrackingOff
class KvServerAllocationTest {
    private static final int KEYS = 1000;
    private static final int WARM_UP_ROUNDS = 4000;
    private static final int MEASURED_ROUNDS = 2000;
    private static final long MAX_BYTES_PER_REQUEST = 16;
    private static final String SMALL = "v".repeat(32);
    private static final String LARGE = "w".repeat(700);

    private static KvServer server;
    private static long loopThread;

    @BeforeAll
    static void start() throws Exception {
        server = KvServer.start(KvOptions.defaults().withHost("127.0.0.1").withPort(0).withThreads(1));
        loopThread = server.group().next().submit(() -> Thread.currentThread().threadId()).get();
    }

    @AfterAll
    static void stop() {
        server.close();
        assertThat(server.store().activeAllocations()).as("item memory after shutdown").isZero();
    }

    @ParameterizedTest(name = "{0} commands per write")
    @CsvSource({"16", "1"})
    void allocatesAtMost16BytesPerRequest(int pipelined) throws Exception {
        try (TextClient client = new TextClient(server.port())) {
            StringBuilder preload = new StringBuilder();
            for (int k = 0; k < KEYS; k++) {
                preload.append(set(k, SMALL));
            }
            assertThat(client.call(preload.toString())).isEqualTo("STORED\r\n".repeat(KEYS));
            assertThat(client.call("set n 0 0 1\r\n0\r\n")).isEqualTo("STORED\r\n");

            int requests = 0;
            for (int round = 0; round < WARM_UP_ROUNDS; round++) {
                requests += round(client, round, pipelined);
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getThreadAllocatedBytes(loopThread);
            requests = 0;
            for (int round = WARM_UP_ROUNDS; round < WARM_UP_ROUNDS + MEASURED_ROUNDS; round++) {
                requests += round(client, round, pipelined);
            }
            long allocated = threads.getThreadAllocatedBytes(loopThread) - before;

            assertThat((double) allocated / requests)
                    .as("bytes the loop allocated per request, %d commands per write (%d over %d requests)",
                            pipelined, allocated, requests)
                    .isLessThanOrEqualTo(MAX_BYTES_PER_REQUEST);
        }
    }

    /**
     * One round of the mix, 16 commands (and the {@code mn} after each write), its answers checked.
     *
     * @return the requests sent
     */
    private static int round(TextClient client, int round, int pipelined) throws Exception {
        int a = (round * 7) % KEYS;
        int b = (round * 13 + 1) % KEYS;
        int c = (round * 31 + 2) % KEYS;
        String[] commands = {
            "get k" + a + "\r\n",
            "get k" + b + "\r\n",
            "gets k" + c + "\r\n",
            "get k" + a + " k" + b + " k" + c + "\r\n",
            set(b, round % 2 == 0 ? LARGE : SMALL),
            "get k" + b + "\r\n",
            "get missing" + a + "\r\n",
            set(c, SMALL),
            "delete k" + a + "\r\n",
            "add k" + a + " 0 0 " + SMALL.length() + "\r\n" + SMALL + "\r\n",
            "get k" + a + "\r\n",
            "incr n 1\r\n",
            "get k" + c + "\r\n",
            "gets k" + b + "\r\n",
            "delete missing" + b + "\r\n",
            "get n\r\n",
        };
        StringBuilder write = new StringBuilder();
        int requests = 0;
        int inWrite = 0;
        for (int i = 0; i < commands.length; i++) {
            write.append(commands[i]);
            inWrite++;
            if (inWrite == pipelined || i == commands.length - 1) {
                String answers = client.call(write.toString());
                requests += inWrite + 1;
                inWrite = 0;
                if (answers.contains("ERROR") || answers.contains("NOT_STORED")) {
                    throw new AssertionError("unexpected answers to " + write + ": " + answers);
                }
                write.setLength(0);
            }
        }
        return requests;
    }

    private static String set(int key, String value) {
        return "set k" + key + " 0 0 " + value.length() + "\r\n" + value + "\r\n";
    }
}
