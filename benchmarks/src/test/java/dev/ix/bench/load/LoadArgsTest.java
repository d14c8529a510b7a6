package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadArgsTest {

    private static LoadArgs parse(String... argv) {
        return LoadArgs.parse(argv);
    }

    @Test
    void wrk2CommandLine() {
        LoadArgs a = parse("-t1", "-c16", "-d5s", "-R", "20000", "-L", "http://127.0.0.1:8080/plaintext");

        assertThat(a.url()).isEqualTo(URI.create("http://127.0.0.1:8080/plaintext"));
        assertThat(a.threads()).isEqualTo(1);
        assertThat(a.connections()).isEqualTo(16);
        assertThat(a.duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(a.rate()).isEqualTo(20_000);
        assertThat(a.latency()).isTrue();
        assertThat(a.uLatency()).isFalse();
        assertThat(a.spec().openLoop()).isTrue();
        assertThat(a.help()).isFalse();
    }

    @Test
    void anRpcUrlRunsTheRpcProtocol() {
        LoadArgs a = parse("--pipeline", "16", "rpc://127.0.0.1:7000");

        assertThat(a.spec().protocol()).isEqualTo(LoadProtocol.RPC);
        assertThat(parse("http://h/").spec().protocol()).isEqualTo(LoadProtocol.HTTP);
    }

    @Test
    void aMemcacheUrlRunsTheMemcachedProtocol() {
        LoadArgs a = parse("memcache://127.0.0.1:11211/etc?keys=500");

        assertThat(a.spec().protocol()).isEqualTo(LoadProtocol.MEMCACHE);
        assertThat(MemcacheWorkload.of(a.url())).isEqualTo(MemcacheWorkload.of("etc", 500));
    }

    @Test
    void defaultsAreWrk2sAndRateAbsentMeansClosedLoop() {
        LoadArgs a = parse("http://localhost/");

        assertThat(a.threads()).isEqualTo(2);
        assertThat(a.connections()).isEqualTo(10);
        assertThat(a.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(a.rate()).isZero();
        assertThat(a.spec().openLoop()).isFalse();
        assertThat(a.pipeline()).isEqualTo(1);
        assertThat(a.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(a.transport()).isEqualTo(LoadTransport.neutral()).isNotEqualTo(LoadTransport.IX);
        assertThat(a.headers()).isEmpty();
    }

    @Test
    void longFormsClustersAndOurOptions() {
        LoadArgs a = parse("--threads=4", "--connections", "1k", "--duration", "2m", "--rate=1.5k", "-LU",
                "--timeout", "500ms", "-H", "X-A: 1", "--header=X-B: 2", "--pipeline", "16", "--warmup", "0",
                "--transport", "nio", "http://[::1]:9000/x?y=z");

        assertThat(a.threads()).isEqualTo(4);
        assertThat(a.connections()).isEqualTo(1000);
        assertThat(a.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(a.rate()).isEqualTo(1500);
        assertThat(a.latency()).isTrue();
        assertThat(a.uLatency()).isTrue();
        assertThat(a.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(a.headers()).containsExactly("X-A: 1", "X-B: 2");
        assertThat(a.pipeline()).isEqualTo(16);
        assertThat(a.warmup()).isZero();
        assertThat(a.transport()).isEqualTo(LoadTransport.NIO);
        assertThat(Target.of(a.url())).isEqualTo(new Target("::1", 9000, "/x?y=z"));
    }

    @Test
    void uLatencyImpliesLatencyAsInWrk2() {
        assertThat(parse("-U", "http://h/").latency()).isTrue();
    }

    @Test
    void help() {
        assertThat(parse("--help").help()).isTrue();
        assertThat(parse("-t", "2", "-h").help()).isTrue();
    }

    @Test
    void errorsNameTheOptionAndTheExpectedForm() {
        assertError("unknown option: --bogus", "--bogus", "http://h/");
        assertError("unknown option: -Z", "-Z", "http://h/");
        assertError("-t/--threads: x (expected: a number of threads such as 4", "-t", "x", "http://h/");
        assertError("-c/--connections: 0 (expected:", "-c0", "http://h/");
        assertError("-d/--duration: 5x (expected: a time such as 500ms, 30s, 2m or 1h)", "-d5x", "http://h/");
        assertError("-R/--rate: fast (expected: requests per second", "-R", "fast", "http://h/");
        assertError("--timeout: 0 (expected: a time", "--timeout", "0", "http://h/");
        assertError("-H/--header: nocolon (expected: \"Name: value\")", "-H", "nocolon", "http://h/");
        assertError("--transport: uring (expected: ix, epoll or nio)", "--transport", "uring", "http://h/");
        assertError("-s/--script: Lua scripts are not supported", "-s", "x.lua", "http://h/");
        assertError("-B/--batch_latency: not supported", "-B", "http://h/");
        assertError("-t: missing value", "http://h/", "-t");
        assertError("missing URL (expected: http://host:port/path", "-t1");
        assertError("unexpected argument: http://b/", "http://a/", "http://b/");
        String expected = " (expected: http://host:port/path, rpc://host:port or memcache://host:port/usr|etc)";
        assertError("URL: https://h/" + expected, "https://h/");
        assertError("URL: rpc://h/" + expected, "rpc://h/");
        assertError("URL: memcache://h/usr" + expected, "memcache://h/usr");
        assertError("URL: memcache://h:1/app" + expected, "memcache://h:1/app");
        assertError("-c/--connections: 2 is fewer than the 4 threads", "-t4", "-c2", "http://h/");
        assertError("-L/--latency: takes no value", "--latency=yes", "http://h/");
    }

    private static void assertError(String message, String... argv) {
        assertThatThrownBy(() -> LoadArgs.parse(argv))
                .isInstanceOf(LoadArgs.UsageException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
