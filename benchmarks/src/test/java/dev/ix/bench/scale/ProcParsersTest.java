package dev.ix.bench.scale;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The parsers of what {@code /proc} and {@code jcmd} print, on captured text. */
class ProcParsersTest {

    private static final String LIMITS = """
            Limit                     Soft Limit           Hard Limit           Units
            Max cpu time              unlimited            unlimited            seconds
            Max open files            20000                20000                files
            Max locked memory         8388608              8388608              bytes
            """;

    private static final String HISTOGRAM = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         40123        3210000  [B (java.base@25.0.3)
               2:         10001         960096  dev.ix.transport.IxSocketChannel
            Total        123456       98765432
            """;

    private static final String SLABINFO = """
            slabinfo - version: 2.1
            # name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> \
            <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
            TCP                 2000   2016   2432   13    8 : tunables    0    0    0 : slabdata    155    155      0
            sock_inode_cache    4000   4032    768   21    4 : tunables    0    0    0 : slabdata    192    192      0
            btrfs_delayed_node      0      0    312   13    1 : tunables    0    0    0 : slabdata      0      0      0
            proc_inode_cache    9000   9020    712   23    4 : tunables    0    0    0 : slabdata    392    392      0
            """;

    @Test
    void readsTheSoftOpenFileLimit() {
        assertThat(SystemLimits.openFiles(LIMITS)).hasValue(20_000);
        assertThat(SystemLimits.openFiles("Max open files            unlimited            unlimited            files"))
                .hasValue(Long.MAX_VALUE);
        assertThat(SystemLimits.openFiles("Max processes 10 10 processes")).isEmpty();
    }

    @Test
    void namesTheOpenFileLimitAStepExceedsWithItsFix() {
        assertThat(SystemLimits.tooFewFiles(100_064, OptionalLong.of(20_000))).get().asString()
                .startsWith("open-file limit 20000 < 101088 needed for 100064 connections")
                .contains("ulimit -n 1048576", "CAP_SYS_RESOURCE", "connection-scale.sh");
        assertThat(SystemLimits.tooFewFiles(18_976, OptionalLong.of(20_000))).isEmpty();
        assertThat(SystemLimits.tooFewFiles(18_977, OptionalLong.of(20_000))).isPresent();
        assertThat(SystemLimits.tooFewFiles(100_064, OptionalLong.empty())).isEmpty();
    }

    @Test
    void namesEachKernelSettingThatStopsTheRunWithItsFix() {
        Map<String, String> kernel = Map.of("fs.file-max", "150000", "net.netfilter.nf_conntrack_max", "65536");
        var problems = SystemLimits.problems(100_064, name -> Optional.ofNullable(kernel.get(name)));
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("fs.file-max 150000 < 202176").contains("sysctl -w fs.file-max=");
        assertThat(problems.get(1)).startsWith("net.netfilter.nf_conntrack_max 65536 < 100064");
        assertThat(SystemLimits.problems(10_064, name -> Optional.empty())).isEmpty();
    }

    @Test
    void readsTheLiveHeapFromTheHistogramTotal() {
        assertThat(ServerSnapshot.histogramTotal(HISTOGRAM)).hasValue(98_765_432);
        assertThat(ServerSnapshot.histogramTotal("12345:\nAttach failed\n")).isEmpty();
    }

    @Test
    void sumsTheSlabMemoryInUseButProcsInodeCache() {
        assertThat(ServerSnapshot.slabBytes(SLABINFO)).hasValue(2000L * 2432 + 4000L * 768);
        assertThat(ServerSnapshot.slabBytes("slabinfo - version: 2.1\n")).isEmpty();
    }

    @Test
    void snapshotDifferencesKeepOnlyWhatBothMeasured() {
        ServerSnapshot before = new ServerSnapshot(100, OptionalLong.of(10), OptionalLong.empty(), 40);
        ServerSnapshot after = new ServerSnapshot(250, OptionalLong.of(70), OptionalLong.of(5), 1040);
        ServerSnapshot delta = after.minus(before);
        assertThat(delta.rssBytes()).isEqualTo(150);
        assertThat(delta.heapLiveBytes()).hasValue(60);
        assertThat(delta.kernelBytes()).isEmpty();
        assertThat(delta.serverFiles()).isEqualTo(1000);
    }

    @Test
    void countsUserNiceAndSystemTicksOfTheMachine() {
        assertThat(MachineCpu.busyTicks("cpu  738891 7 267209 475463 359509 0 118427 867 0 0\ncpu0 1 2 3 4\n"))
                .hasValue(738_891 + 7 + 267_209);
        assertThat(MachineCpu.busyTicks("intr 5\n")).isEmpty();
    }
}
