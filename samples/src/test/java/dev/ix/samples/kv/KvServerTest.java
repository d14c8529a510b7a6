package dev.ix.samples.kv;

import dev.ix.transport.IxLoop;
import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** kv on real ix loops and real sockets: one store for every loop, pipelining, swallowing, clean shutdown. */
@RequiresIoUring
class KvServerTest {
    private KvServer server;
    private List<IxLoop> loops;

    @BeforeEach
    void start() {
        server = KvServer.start(KvOptions.defaults().withHost("127.0.0.1").withPort(0).withThreads(2));
        loops = IxLoop.allOf(server.group());
        assertThat(loops).hasSize(2);
    }

    @AfterEach
    void stop() {
        server.close();
        for (IxLoop loop : loops) {
            assertThat(loop.stats().mbufsInUse()).as("mbufs in use on " + loop + " after shutdown").isZero();
        }
        assertThat(server.store().activeAllocations()).as("item memory after shutdown").isZero();
    }

    @Test
    void everyConnectionSeesEveryKeyWhicheverLoopServesIt() throws Exception {
        TextClient[] clients = new TextClient[8];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new TextClient(server.port());
        }
        try {
            StringBuilder sets = new StringBuilder();
            for (int k = 0; k < 200; k++) {
                sets.append("set key").append(k).append(" ").append(k).append(" 0 ").append(String.valueOf(k).length())
                        .append("\r\n").append(k).append("\r\n");
            }
            assertThat(clients[0].call(sets.toString())).isEqualTo("STORED\r\n".repeat(200));
            for (TextClient c : clients) {
                StringBuilder gets = new StringBuilder();
                StringBuilder expected = new StringBuilder();
                for (int k = 0; k < 200; k++) {
                    gets.append("get key").append(k).append("\r\n");
                    expected.append("VALUE key").append(k).append(' ').append(k).append(' ')
                            .append(String.valueOf(k).length()).append("\r\n").append(k).append("\r\nEND\r\n");
                }
                assertThat(c.call(gets.toString())).isEqualTo(expected.toString());
            }
            // The 8 connections were spread over both loops by SO_REUSEPORT; both served some.
            assertThat(Poll.until(() -> loops.stream().allMatch(l -> l.stats().completions() > 0))).isTrue();
        } finally {
            for (TextClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void swallowsAnOversizeValueAndKeepsTheConnection() throws Exception {
        try (TextClient c = new TextClient(server.port())) {
            byte[] big = ("set big 0 0 3000000\r\n" + "x".repeat(3_000_000) + "\r\n").getBytes();
            c.send(big);
            assertThat(c.call("get big\r\nset small 0 0 2\r\nok\r\nget small\r\n"))
                    .isEqualTo("SERVER_ERROR object too large for cache\r\nEND\r\nSTORED\r\n"
                            + "VALUE small 0 2\r\nok\r\nEND\r\n");
            String value = "y".repeat(1_000_000);
            assertThat(c.call("set large 0 0 1000000\r\n" + value + "\r\nget large\r\n"))
                    .isEqualTo("STORED\r\nVALUE large 0 1000000\r\n" + value + "\r\nEND\r\n");
        }
    }

    @Test
    void aPeerThatLeavesMidCommandLeavesNothingBehind() throws Exception {
        KvStats stats = server.stats();
        for (String partial : new String[] {"set k 0 0 100000\r\n" + "z".repeat(50_000), "get k", "ms k 9 T0\r\nab"}) {
            try (TextClient c = new TextClient(server.port())) {
                c.send(partial);
                assertThat(Poll.until(() -> stats.currentConnections.get() == 1)).isTrue();
            }
            assertThat(Poll.until(() -> stats.currentConnections.get() == 0)).as("closed: " + partial).isTrue();
        }
        // The cumulation buffers were released (the class's leak check would fail otherwise), the mbufs are back.
        assertThat(Poll.until(() -> loops.stream().allMatch(l -> l.stats().mbufsInUse() == 0))).isTrue();
        try (TextClient c = new TextClient(server.port())) {
            assertThat(c.call("get k\r\n")).isEqualTo("END\r\n");
        }
    }

    @Test
    void quitClosesAfterTheAnswersBeforeIt() throws Exception {
        try (TextClient c = new TextClient(server.port())) {
            c.send("set a 0 0 1\r\na\r\nget a\r\nquit\r\nget a\r\n");
            assertThat(c.readUntil("<EOF>")).isEqualTo("STORED\r\nVALUE a 0 1\r\na\r\nEND\r\n<EOF>");
        }
    }

    @Test
    void connectionsStillOpenAtShutdownReleaseTheirBuffers() throws Exception {
        TextClient[] clients = new TextClient[4];
        try {
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new TextClient(server.port());
                // A reply buffer held by the connection, and a command split across reads held in its cumulation.
                assertThat(clients[i].call("set k" + i + " 0 0 1\r\nx\r\nget k" + i + "\r\n"))
                        .isEqualTo("STORED\r\nVALUE k" + i + " 0 1\r\nx\r\nEND\r\n");
                clients[i].send("get k");
            }
            // stop() closes the server under the open connections; the class's leak check sees what they held.
            server.close();
        } finally {
            for (TextClient c : clients) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }
}
