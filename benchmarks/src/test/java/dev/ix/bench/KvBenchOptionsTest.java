package dev.ix.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ix.bench.load.Durations;
import dev.ix.bench.load.LoadProtocol;
import dev.ix.bench.load.MemcacheWorkload;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kv test's command line: its defaults (a sweep of short runs), its own options, and what it refuses. */
class KvBenchOptionsTest {
    private static final Path OUT = Path.of("out");

    private static BenchOptions parse(String... args) throws BenchOptions.UsageException {
        return BenchOptions.parse(args, OUT);
    }

    @Test
    void kvSweepsBothWorkloadsOnKvAndMemcached() throws Exception {
        BenchOptions o = parse("kv");

        assertThat(o.kv()).isTrue();
        assertThat(o.protocol()).isEqualTo(LoadProtocol.MEMCACHE);
        assertThat(o.peers()).containsExactly("kv", "memcached");
        assertThat(o.baseline()).isEqualTo("memcached");
        assertThat(o.workloads()).containsExactly("usr", "etc");
        assertThat(o.keys()).isEqualTo(MemcacheWorkload.DEFAULT_KEYS);
        assertThat(o.slo()).isEqualTo(Duration.ofNanos(500_000));
        assertThat(o.sweep()).isTrue();
        assertThat(o.rates()).containsExactly(0.0);
        assertThat(o.sweepFractions()).hasSizeBetween(8, 10).contains(BenchOptions.KV_COST_FRACTION);
        assertThat(o.connections()).containsExactly(32);
        assertThat(o.pipelines()).containsExactly(4);
        assertThat(o.repeats()).isEqualTo(2);
        assertThat(o.wrkApplies()).isFalse();
        assertThat(o.target("127.0.0.1", 11211)).isEqualTo(URI.create("memcache://127.0.0.1:11211/usr?keys=100000"));
    }

    @Test
    void defaultRunStaysWithinAQuarterHour() throws Exception {
        BenchOptions o = parse("kv");

        double seconds = BenchRunner.plannedSeconds(o, 2) * o.workloads().size();

        assertThat(seconds).isLessThanOrEqualTo(900);
    }

    @Test
    void aJvmPeerGetsTheJvmWarmUp() throws Exception {
        assertThat(parse("kv").warmup()).as("kv,memcached").isEqualTo(Duration.ofSeconds(5));
        assertThat(parse("kv", "--peers", "kv", "--baseline", "kv").warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(parse("kv", "--peers", "memcached").warmup()).as("no JVM").isEqualTo(Duration.ofSeconds(1));
        assertThat(parse("kv", "--warmup", "8s").warmup()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void onlyTheCostStepCountsSystemCalls() throws Exception {
        BenchOptions kv = parse("kv");

        assertThat(kv.countsSyscallsAt(BenchOptions.KV_COST_FRACTION)).isTrue();
        assertThat(kv.countsSyscallsAt(1.0)).isFalse();
        assertThat(kv.countsSyscallsAt(Double.NaN)).as("the closed-loop step").isFalse();
        assertThat(parse().countsSyscallsAt(Double.NaN)).isTrue();
        assertThat(parse().countsSyscallsAt(0.5)).isTrue();
    }

    @Test
    void ownOptions() throws Exception {
        BenchOptions o = parse("kv", "--workloads", "ETC", "--keys", "5000", "--slo", "1ms", "--peers", "memcached",
                "--repeats", "1", "--duration", "2s", "--connections", "16", "--pipeline", "1");

        assertThat(o.workloads()).containsExactly("etc");
        assertThat(o.workload()).isEqualTo(MemcacheWorkload.of("etc", 5000));
        assertThat(o.slo()).isEqualTo(Duration.ofMillis(1));
        assertThat(o.peers()).containsExactly("memcached");
        assertThat(o.repeats()).isEqualTo(1);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.pipelines()).containsExactly(1);
        BenchOptions usr = o.forWorkload("usr", OUT.resolve("usr"));
        assertThat(usr.workloads()).containsExactly("usr");
        assertThat(usr.out()).isEqualTo(OUT.resolve("usr"));
        assertThat(usr.target("h", 1)).isEqualTo(URI.create("memcache://h:1/usr?keys=5000"));
    }

    @Test
    void sloInMicroseconds() throws Exception {
        assertThat(parse("kv", "--slo", "500us").slo()).isEqualTo(Duration.ofNanos(500_000));
        assertThat(parse("kv", "--slo", "250µs").slo()).isEqualTo(Duration.ofNanos(250_000));
        assertThat(KvReport.sloLabel(parse("kv", "--slo", "750us"))).isEqualTo("750 µs");
        assertThat(KvReport.sloLabel(parse("kv", "--slo", "2ms"))).isEqualTo("2 ms");
        assertThat(Durations.format(Duration.ofNanos(500_000))).isEqualTo("500us");
        assertThat(Durations.parse(Durations.format(Duration.ofNanos(500_000)))).isEqualTo(Duration.ofNanos(500_000));
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> parse("kv", "--workloads", "app")).hasMessageContaining("expected one of usr, etc");
        assertThatThrownBy(() -> parse("kv", "--generator", "wrk")).hasMessageContaining("not applicable to kv");
        assertThatThrownBy(() -> parse("kv", "--slo", "0s")).hasMessageContaining("--slo");
        assertThatThrownBy(() -> parse("kv", "--slo", "fast")).hasMessageContaining("--slo");
        assertThatThrownBy(() -> parse("kv", "--keys", "0")).hasMessageContaining("--keys");
    }

    @Test
    void otherTestsKeepTheirDefaults() throws Exception {
        BenchOptions plaintext = parse();

        assertThat(plaintext.connections()).containsExactly(64);
        assertThat(plaintext.pipelines()).containsExactly(16, 1);
        assertThat(plaintext.repeats()).isEqualTo(5);
        assertThat(plaintext.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(plaintext.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(plaintext.sweep()).isFalse();
        assertThat(plaintext.sweepFractions()).isEqualTo(BenchOptions.SWEEP_FRACTIONS);
        assertThat(List.of(parse("rpc").protocol(), plaintext.protocol()))
                .containsExactly(LoadProtocol.RPC, LoadProtocol.HTTP);
    }
}
