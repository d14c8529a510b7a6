package dev.ix.bench.scale;

import dev.ix.bench.peer.PeerConfig;
import dev.ix.samples.EchoServer;
import dev.ix.samples.HelloServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EchoPeerTest {

    @Test
    void runsEchoServerWithTheHarnessPeersJvmAndPinning() throws Exception {
        EchoPeer peer = EchoPeer.on("epoll");
        List<String> command = peer.command(new PeerConfig("127.0.0.1", 4000, 1, "1", Path.of("logs")));
        assertThat(command).startsWith("taskset", "-c", "1")
                .contains("-Xms512m", "-XX:+AlwaysPreTouch", EchoServer.class.getName())
                .doesNotContain(HelloServer.class.getName())
                .endsWith("--transport", "epoll", "--host", "127.0.0.1", "--port", "4000", "--threads", "1");
        assertThat(peer.name()).isEqualTo("echo-epoll");
        assertThat(peer.countsAllocations()).isFalse();
    }

    @Test
    void isServingOnlyOnceItsLogAnnouncesThisPortOnThisTransport() {
        EchoPeer ix = EchoPeer.on("ix");
        String log = """
                === 2026-11-27T14:43:14Z taskset -c 1 java ... dev.ix.samples.EchoServer --transport ix --port 37739
                EchoServer on ix (1 event loop) listening on 127.0.0.1:37739
                  printf 'hello\\n' | nc -q1 127.0.0.1 37739
                """;
        assertThat(ix.announced(log, 37739)).isTrue();
        assertThat(ix.announced(log, 3773)).isFalse();
        assertThat(ix.announced(log.replace("on ix (", "on epoll ("), 37739)).isFalse();
    }

    @Test
    void knowsTheSampleTransportsOnly() {
        assertThat(EchoPeer.on("io_uring").name()).isEqualTo("echo-io_uring");
        assertThat(EchoPeer.on("nio").name()).isEqualTo("echo-nio");
        assertThatThrownBy(() -> EchoPeer.on("kqueue")).hasMessageContaining("transport: kqueue");
    }

    @Test
    void messagesCarryTheirIntendedSendTimeBigEndian() {
        byte[] message = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, (byte) 0xF8, 0, 0, 0, 0, 0, 0, 0, 9};
        assertThat(EchoLoad.intendedNanos(message)).isEqualTo(0x01020304050607F8L);
        assertThat(EchoLoad.MESSAGE_BYTES).isEqualTo(message.length);
    }
}
