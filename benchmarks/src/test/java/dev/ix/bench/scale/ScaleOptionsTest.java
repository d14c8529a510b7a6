package dev.ix.bench.scale;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScaleOptionsTest {
    private static final Path OUT = Path.of("out");

    private static ScaleOptions parse(String... args) throws ScaleOptions.UsageException {
        return ScaleOptions.parse(args, OUT);
    }

    @Test
    void defaultsRunTenFiftyAndHundredThousandOnIxThenEpoll() throws Exception {
        ScaleOptions o = parse();
        assertThat(o.connections()).containsExactly(10_000, 50_000, 100_000);
        assertThat(o.transports()).containsExactly("ix", "epoll");
        assertThat(o.active()).isEqualTo(64);
        assertThat(o.rate()).isEqualTo(6400.0);
        assertThat(o.rateLabel()).isEqualTo("6400");
        assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.inFlight()).isEqualTo(256);
        assertThat(o.perAddress()).isZero();
        assertThat(o.threads()).isEqualTo(1);
        assertThat(o.serverCpus()).isEqualTo("1");
        assertThat(o.clientCpus()).isEqualTo("0");
        assertThat(o.heap()).isTrue();
        assertThat(o.out()).isEqualTo(OUT);
    }

    @Test
    void readsEveryOptionInBothSpellings() throws Exception {
        ScaleOptions o = parse("--connections=0,1_000,1000,20000", "--transports", "epoll, io_uring,epoll",
                "--active", "8", "--rate=1000.5", "--warmup", "0", "--duration", "1m", "--in-flight", "64",
                "--connect-timeout", "500ms", "--max-failures", "5", "--per-address=1000", "--threads", "2",
                "--server-cpus", "1", "--client-cpus", "0,2", "--no-heap", "--out", "x");
        assertThat(o.connections()).containsExactly(0, 1000, 20_000);
        assertThat(o.transports()).containsExactly("epoll", "io_uring");
        assertThat(o.active()).isEqualTo(8);
        assertThat(o.rate()).isEqualTo(1000.5);
        assertThat(o.rateLabel()).isEqualTo("1000.5");
        assertThat(o.warmup()).isZero();
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.inFlight()).isEqualTo(64);
        assertThat(o.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.maxFailures()).isEqualTo(5);
        assertThat(o.perAddress()).isEqualTo(1000);
        assertThat(o.threads()).isEqualTo(2);
        assertThat(o.clientCpus()).isEqualTo("0,2");
        assertThat(o.heap()).isFalse();
        assertThat(o.out()).isEqualTo(Path.of("x"));
        assertThat(o.commandLine()).hasSize(26);
    }

    @Test
    void helpWinsOverEverythingElse() throws Exception {
        assertThat(parse("--active", "3", "--help")).isNull();
        assertThat(parse("-h")).isNull();
        assertThat(ScaleOptions.HELP).contains("--connections", "--transports", "--per-address", "--no-heap");
    }

    @Test
    void rejectsBadCommandLinesNamingTheOptionAndTheExpectedForm() {
        assertThatThrownBy(() -> parse("--bogus")).hasMessageContaining("unknown option: --bogus");
        assertThatThrownBy(() -> parse("--active")).hasMessage("--active needs a value (see --help)");
        assertThatThrownBy(() -> parse("--active", "--rate", "5")).hasMessageContaining("--active needs a value");
        assertThatThrownBy(() -> parse("--active", "0")).hasMessage("--active 0: expected a whole number in 1..10000");
        assertThatThrownBy(() -> parse("--connections", "10k"))
                .hasMessageContaining("expected connection counts in 0..10000000");
        assertThatThrownBy(() -> parse("--transports", "ix,kqueue"))
                .hasMessageContaining("kqueue is not one of ix, epoll, io_uring, nio");
        assertThatThrownBy(() -> parse("--rate", "0")).hasMessageContaining("--rate 0: expected messages per second");
        assertThatThrownBy(() -> parse("--duration", "0s")).hasMessageContaining("must be longer than 0");
        assertThatThrownBy(() -> parse("--warmup", "soon")).hasMessageContaining("expected a duration");
        assertThatThrownBy(() -> parse("--server-cpus", "one")).hasMessageContaining("taskset CPU list");
        assertThatThrownBy(() -> parse("--no-heap=yes")).hasMessage("--no-heap takes no value (given: yes)");
    }
}
