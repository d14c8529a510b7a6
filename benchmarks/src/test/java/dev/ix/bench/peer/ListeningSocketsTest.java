package dev.ix.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {

    @Test
    void listeningEntriesOfATable() {
        List<String> table = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:46A0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9001 1 0",
                "   1: 0100007F:46A0 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 9002 1 0",
                "   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9003 1 0");

        assertThat(ListeningSockets.listeningInodes(table, 0x46A0)).containsExactly("9001");
        assertThat(ListeningSockets.listeningInodes(table, 8080)).containsExactly("9003");
        assertThat(ListeningSockets.listeningInodes(table, 1)).isEmpty();
    }

    @Test
    void thisProcessOwnsItsServerSocket() throws Exception {
        long self = ProcessHandle.current().pid();
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThat(ListeningSockets.ownsOrUnknown(self, socket.getLocalPort())).isTrue();
            Process other = new ProcessBuilder("sleep", "60").start();
            try {
                assertThat(ListeningSockets.ownsOrUnknown(other.pid(), socket.getLocalPort())).isFalse();
            } finally {
                other.destroyForcibly();
            }
        }
    }
}
