package dev.ix.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ix.bench.load.LoadProtocol;
import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.Peers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rpc test's command line: how it is chosen, its defaults, and what it refuses. */
class RpcBenchOptionsTest {
    private static final Path OUT = Path.of("out");

    private static BenchOptions parse(String... args) throws BenchOptions.UsageException {
        return BenchOptions.parse(args, OUT);
    }

    @Test
    void rpcRunsTheRpcPeersAgainstNettyOnEpoll() throws Exception {
        for (BenchOptions o : List.of(parse("rpc"), parse("--test", "rpc"))) {
            assertThat(o.test()).isEqualTo("rpc");
            assertThat(o.protocol()).isEqualTo(LoadProtocol.RPC);
            assertThat(o.peers()).containsExactly("ix-rpc", "netty-rpc-epoll");
            assertThat(o.baseline()).isEqualTo("netty-rpc-epoll");
            assertThat(o.wrkApplies()).isFalse();
            assertThat(o.target("127.0.0.1", 7000)).isEqualTo(URI.create("rpc://127.0.0.1:7000"));
        }
        assertThat(parse("rpc", "--peers", "ix-rpc", "--baseline", "ix-rpc").peers()).containsExactly("ix-rpc");
    }

    @Test
    void httpTestsKeepTheirPathAndPeers() throws Exception {
        BenchOptions json = parse("--test", "json");

        assertThat(json.protocol()).isEqualTo(LoadProtocol.HTTP);
        assertThat(json.target("127.0.0.1", 8080)).isEqualTo(URI.create("http://127.0.0.1:8080/json"));
        assertThat(json.peers()).containsExactlyElementsOf(BenchOptions.DEFAULT_PEERS);
        assertThat(parse().target("::1", 80)).isEqualTo(URI.create("http://[::1]:80/plaintext"));
        assertThat(parse().wrkApplies()).isTrue();
        assertThatThrownBy(() -> parse("--test", "grpc")).hasMessageContaining("expected one of plaintext, json, rpc");
    }

    @Test
    void wrkIsNotApplicableToRpc() throws Exception {
        assertThatThrownBy(() -> parse("rpc", "--generator", "wrk"))
                .hasMessageContaining("wrk: not applicable to rpc");
        assertThatThrownBy(() -> parse("rpc", "--generator", "wrk2", "--rate", "1000", "--pipeline", "1"))
                .hasMessageContaining("wrk: not applicable to rpc");

        BenchOptions crossChecked = parse("rpc", "--cross-check", "--warmup", "500ms", "--rate", "20000");

        assertThat(crossChecked.generatorsAt(0)).containsExactly("builtin");
        assertThat(crossChecked.generatorsAt(20000)).containsExactly("builtin");
    }

    @Test
    void peersOfTheOtherProtocolAreRefused() {
        List<Peer> known = Peers.all();
        List<Peer> mixed = List.of(Peers.byName("ix-rpc").orElseThrow(), Peers.byName("netty-epoll").orElseThrow());

        assertThat(PeerProtocols.mismatch("rpc", LoadProtocol.RPC, mixed, known)).hasValueSatisfying(why ->
                assertThat(why).contains("netty-epoll does not serve", "rpc peers: ix-rpc, netty-rpc-epoll"));
        assertThat(PeerProtocols.mismatch("json", LoadProtocol.HTTP, mixed, known)).hasValueSatisfying(why ->
                assertThat(why).contains("ix-rpc does not serve", "http peers: ix, "));
        assertThat(PeerProtocols.mismatch("rpc", LoadProtocol.RPC, mixed.subList(0, 1), known)).isEmpty();
    }

    @Test
    void aMixedCommandLineStopsBeforeAnyServerStarts() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);

        int status = Bench.run(new String[] {"rpc", "--peers", "ix,netty-rpc-epoll"}, System.out, errors);

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("ix bench: the rpc test speaks rpc, which ix does"
                + " not serve");
    }
}
