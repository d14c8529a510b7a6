package dev.ix.bench;

import dev.ix.bench.load.Durations;
import dev.ix.bench.load.LoadTransport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTest {
    private static final Path OUT = Path.of("out");

    private static BenchOptions parse(String... args) throws BenchOptions.UsageException {
        return BenchOptions.parse(args, OUT);
    }

    @Test
    void defaultsRunPlaintextClosedLoopOnEveryPeerAgainstEpoll() throws Exception {
        BenchOptions o = parse();
        assertThat(o.test()).isEqualTo("plaintext");
        assertThat(o.peers()).containsExactlyElementsOf(BenchOptions.DEFAULT_PEERS);
        assertThat(o.baseline()).isEqualTo("netty-epoll");
        assertThat(o.threads()).isEqualTo(1);
        assertThat(o.repeats()).isEqualTo(5);
        assertThat(o.openLoop()).isFalse();
        assertThat(o.rateLabel()).isEqualTo("max");
        assertThat(o.serverCpus()).isEqualTo("1");
        assertThat(o.loadCpus()).isEqualTo("0");
        assertThat(o.out()).isEqualTo(OUT);
        assertThat(o.generatorTransport()).as("never the transport under test").isNotEqualTo(LoadTransport.IX);
        assertThat(o.generatorLabel()).isEqualTo("builtin/" + o.generatorTransport().label());
    }

    @Test
    void systemCallsAreCountedInTheirOwnWindowAfterTheMeasuredOne() throws Exception {
        assertThat(parse().syscallWindow()).isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("--syscall-window", "0").syscallWindow()).isZero();
        assertThatThrownBy(() -> parse("--generator", "wrk", "--syscall-window", "1500ms"))
                .hasMessageContaining("whole seconds");
    }

    @Test
    void crossCheckSetsTheBuiltInGeneratorBesideWrkOnClosedLoopRuns() throws Exception {
        BenchOptions o = parse("--cross-check", "--pipeline", "16", "--rate", "max,20000");
        assertThat(o.crossCheck()).isTrue();
        assertThat(o.generatorsAt(0)).containsExactly("builtin", "wrk");
        assertThat(o.generatorsAt(20000)).containsExactly("builtin");
        assertThat(parse().generatorsAt(0)).containsExactly("builtin");
        assertThatThrownBy(() -> parse("--cross-check", "--rate", "20000")).hasMessageContaining("include max");
        assertThatThrownBy(() -> parse("--cross-check", "--generator", "wrk")).hasMessageContaining("beside wrk");
        assertThatThrownBy(() -> parse("--cross-check", "--warmup", "500ms")).hasMessageContaining("whole seconds");
        assertThat(parse("--generator", "wrk", "--pipeline", "16").pipelines()).containsExactly(16);
    }

    @Test
    void closedLoopRunsAtEveryPipelineDepthAndOpenLoopAtTheFirst() throws Exception {
        BenchOptions defaults = parse();
        assertThat(defaults.pipelines()).as("pipelined throughput first, the unpipelined beside it")
                .containsExactly(16, 1);
        BenchOptions o = parse("--pipeline", "16,1", "--rate", "max,20000");
        assertThat(o.pipelinesAt(0)).containsExactly(16, 1);
        assertThat(o.pipelinesAt(20000)).containsExactly(16);
        assertThatThrownBy(() -> parse("--generator", "wrk2", "--rate", "1000", "--pipeline", "1,16"))
                .hasMessageContaining("--pipeline");
    }

    @Test
    void theIxGeneratorIsThereWhenAskedForAndNamedAsSuch() throws Exception {
        assertThat(parse("--generator-transport", "ix").generatorLabel()).isEqualTo("builtin/ix");
        assertThat(parse("--generator", "wrk", "--generator-transport", "ix").generatorLabel()).isEqualTo("wrk");
        assertThatThrownBy(() -> parse("--generator-transport", "uring"))
                .hasMessage("--generator-transport uring (expected: ix, epoll or nio)");
    }

    @Test
    void everyOptionIsRead() throws Exception {
        BenchOptions o = parse("json", "--peers", "ix, netty-epoll,ix", "--threads", "2", "--connections", "128",
                "--load-threads", "2", "--pipeline", "16", "--duration", "1m", "--warmup", "500ms",
                "--jit-settle", "7s", "--syscall-window", "1s", "--repeats", "3",
                "--rate", "50000", "--server-cpus", "1", "--load-cpus", "0", "--out", "x");
        assertThat(o.test()).isEqualTo("json");
        assertThat(o.peers()).containsExactly("ix", "netty-epoll");
        assertThat(o.threads()).isEqualTo(2);
        assertThat(o.connections()).containsExactly(128);
        assertThat(o.loadThreads()).isEqualTo(2);
        assertThat(o.pipelines()).containsExactly(16);
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.jitSettle()).isEqualTo(Duration.ofSeconds(7));
        assertThat(parse().jitSettle()).as("default").isEqualTo(BenchOptions.DEFAULT_JIT_SETTLE);
        assertThat(parse("--jit-settle", "0").jitSettle()).as("off").isZero();
        assertThat(o.syscallWindow()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.repeats()).isEqualTo(3);
        assertThat(o.rates()).containsExactly(50000.0);
        assertThat(o.rateLabel()).isEqualTo("50000");
        assertThat(o.openLoop()).isTrue();
        assertThat(o.out()).isEqualTo(Path.of("x"));
    }

    @Test
    void listsMakeSweepsAndSweepNeedsTheClosedLoopRunFirst() throws Exception {
        BenchOptions o = parse("--connections", "16,64,256", "--rate", "max,20000", "--sweep");
        assertThat(o.connections()).containsExactly(16, 64, 256);
        assertThat(o.rates()).containsExactly(0.0, 20000.0);
        assertThat(o.sweep()).isTrue();
        assertThat(o.rateLabel()).isEqualTo("max,20000 + sweep");
        assertThatThrownBy(() -> parse("--rate", "20000", "--sweep")).hasMessageContaining("include max");
        assertThatThrownBy(() -> parse("--connections", "16,x")).hasMessageContaining("comma-separated");
        assertThatThrownBy(() -> parse("--generator", "wrk", "--sweep")).hasMessageContaining("closed loop");
    }

    @Test
    void aRateCanBeAShareOfAPeersSaturation() throws Exception {
        BenchOptions o = parse("--peers", "ix-http,ix,netty-epoll", "--baseline", "ix-http", "--rate",
                "50%:ix-http, 12.5%:netty-epoll,50%:ix-http", "--duration", "60s");
        assertThat(o.rates()).as("no closed-loop step of every peer").isEmpty();
        assertThat(o.relativeRates()).containsExactly(new RelativeRate(50, "ix-http"),
                new RelativeRate(12.5, "netty-epoll"));
        assertThat(o.rateLabel()).isEqualTo("50%:ix-http,12.5%:netty-epoll");
        assertThat(o.openLoop()).isTrue();
        assertThat(BenchRunner.saturationPeers(o)).as("each measured alone first").containsExactly("ix-http",
                "netty-epoll");

        BenchOptions withMax = parse("--peers", "ix-http,ix", "--rate", "max,50%:ix-http", "--baseline", "ix");
        assertThat(withMax.rates()).containsExactly(0.0);
        assertThat(withMax.rateLabel()).isEqualTo("max,50%:ix-http");
        assertThat(BenchRunner.saturationPeers(withMax)).as("the max step measures it").isEmpty();
    }

    @Test
    void aRelativeRateIsHalfOfTheSaturationInWholeRequests() {
        RelativeRate half = RelativeRate.parse("50%:ix-http");
        assertThat(half.of(780_411)).isEqualTo(390_206);
        assertThat(half.label()).isEqualTo("50%:ix-http");
        assertThat(RelativeRate.parse("0.01%:ix").of(10)).as("never 0, which means closed loop").isEqualTo(1);
    }

    @Test
    void aRelativeRateNeedsAPeerOfTheRunAndTheBuiltInGenerator() {
        assertThatThrownBy(() -> parse("--peers", "ix,netty-epoll", "--rate", "50%:ix-http"))
                .hasMessage("--rate 50%:ix-http: ix-http is not among --peers ix,netty-epoll (its saturation is"
                        + " measured in the same run)");
        assertThatThrownBy(() -> parse("--rate", "50%ix")).hasMessage("--rate 50%ix: expected PERCENT%:PEER with"
                + " PERCENT > 0, e.g. 50%:ix-http");
        assertThatThrownBy(() -> parse("--rate", "0%:ix")).hasMessageContaining("PERCENT > 0");
        assertThatThrownBy(() -> parse("--rate", "half%:ix")).hasMessageContaining("PERCENT > 0");
        assertThatThrownBy(() -> parse("--rate", "50%:")).hasMessageContaining("expected PERCENT%:PEER");
        assertThatThrownBy(() -> parse("--rate", "max,50%:ix", "--generator", "wrk"))
                .hasMessageContaining("needs --generator builtin");
        assertThatThrownBy(() -> parse("--rate", "50%:ix", "--generator", "wrk2"))
                .hasMessageContaining("needs --generator builtin");
        assertThatThrownBy(() -> parse("--rate", "50%:ix", "--cross-check")).hasMessageContaining("include max");
    }

    @Test
    void helpIsNull() throws Exception {
        assertThat(parse("--help")).isNull();
        assertThat(BenchOptions.HELP).contains("--peers", "--rate", "--generator", "--server-cpus", "--out");
    }

    @Test
    void badCommandLinesSayWhatIsExpected() {
        assertThatThrownBy(() -> parse("--threads", "0")).hasMessage("--threads 0: expected a whole number >= 1");
        assertThatThrownBy(() -> parse("--duration", "ten")).hasMessageContaining("expected a duration such as");
        assertThatThrownBy(() -> parse("--rate", "-5")).hasMessageContaining("or max");
        assertThatThrownBy(() -> parse("--bogus")).hasMessageContaining("unknown argument: --bogus");
        assertThatThrownBy(() -> parse("--peers")).hasMessageContaining("--peers needs a value");
        assertThatThrownBy(() -> parse("--generator", "wrk2")).hasMessageContaining("needs --rate");
        assertThatThrownBy(() -> parse("--generator", "wrk", "--rate", "100")).hasMessageContaining("closed loop");
        assertThatThrownBy(() -> parse("--peers", "ix", "--baseline", "netty-epoll"))
                .hasMessageContaining("is not among --peers");
        assertThatThrownBy(() -> parse("--server-cpus", "one")).hasMessageContaining("taskset CPU list");
        assertThatThrownBy(() -> parse("--connections", "2", "--load-threads", "4"))
                .hasMessageContaining("exceeds --connections");
    }

    @Test
    void durationsReadAndPrintAsWrkWritesThem() {
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }
}
