package dev.ix.samples;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.IxTransport;
import dev.ix.transport.IxTransportMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The text of GET /stats/transport and ./ix stats reading it. */
class StatsCommandTest {

    @Test
    void parsesOneMapPerLoopAndSumsNothingAcrossLoops() {
        Map<Integer, Map<String, Double>> loops = StatsCommand.parse("""
                ix.transport.turns{loop="0"} 10
                ix.transport.turns{loop="1"} 20
                ix.transport.turns.by.completions{completions="1",loop="1"} 5
                ix.transport.busy{loop="0",server="a"} 0.25
                something.else{} 7
                not a line
                """);
        assertThat(loops).containsOnlyKeys(0, 1);
        assertThat(loops.get(0)).containsEntry("ix.transport.turns", 10.0).containsEntry("ix.transport.busy", 0.25);
        assertThat(loops.get(1)).containsEntry("ix.transport.turns.by.completions", 5.0);
    }

    @Test
    void printsRatesOverTheIntervalWhenWatching() {
        Map<Integer, Map<String, Double>> before = StatsCommand.parse("ix.transport.turns{loop=\"0\"} 100\n");
        Map<Integer, Map<String, Double>> after = StatsCommand.parse("ix.transport.turns{loop=\"0\"} 300\n"
                + "ix.transport.completions{loop=\"0\"} 800\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatsCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), after, before, 2);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[0]).contains("turns/s");
        assertThat(lines[1].trim().split("\\s+")).startsWith("0", "-", "100", "4.00");
    }

    @Test
    void rendersTheMetersOfRealIxLoops() throws Exception {
        boolean required = Boolean.getBoolean("dev.ix.test.requireIoUring");
        assumeTrue(required || IxTransport.isAvailable(), "io_uring unavailable");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, IxIoHandler.newFactory());
        try {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new IxTransportMetrics(group).bindTo(registry);
            group.next().submit(() -> { }).sync();
            String text = TransportStats.render(registry);
            assertThat(text).contains("ix.transport.turns{loop=\"0\"} ")
                    .contains("ix.transport.turns.by.completions{completions=\"2-3\",loop=\"0\"} ");
            Map<Integer, Map<String, Double>> loops = StatsCommand.parse(text);
            assertThat(loops).containsOnlyKeys(0, 1);
            assertThat(loops.get(0)).containsKeys("ix.transport.turns", "ix.transport.mbufs.capacity",
                    "ix.transport.loop.alive");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            StatsCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), loops, null, 0);
            assertThat(bytes.toString(StandardCharsets.UTF_8).split("\n")).hasSize(3);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
