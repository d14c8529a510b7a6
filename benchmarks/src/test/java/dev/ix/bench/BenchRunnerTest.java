package dev.ix.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchRunnerTest {

    @Test
    void thePeerOrderRotatesEveryRepeat() {
        List<String> peers = List.of("ix", "netty-epoll", "netty-io_uring");

        assertThat(BenchRunner.rotated(peers, 1)).containsExactly("ix", "netty-epoll", "netty-io_uring");
        assertThat(BenchRunner.rotated(peers, 2)).containsExactly("netty-epoll", "netty-io_uring", "ix");
        assertThat(BenchRunner.rotated(peers, 3)).containsExactly("netty-io_uring", "ix", "netty-epoll");
        assertThat(BenchRunner.rotated(peers, 4)).containsExactly("ix", "netty-epoll", "netty-io_uring");
        assertThat(BenchRunner.rotated(List.of(), 2)).isEmpty();
    }
}
