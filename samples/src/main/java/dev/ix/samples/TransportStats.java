package dev.ix.samples;

import dev.ix.transport.IxLoop;
import dev.ix.transport.IxTransportMetrics;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The sample servers' transport metrics: {@link IxTransportMetrics} bound to one Micrometer registry, served as
 * text at {@code GET /stats/transport} and read by {@code ./ix stats}.
 *
 * <p>Format, one measurement per line, sorted: {@code name{tag="value",...} number}. A meter with one measurement
 * (counter, gauge: all of the transport's) appears under its name; one with several under
 * {@code name.<statistic>} ({@code .count}, {@code .total}, {@code .max}).
 */
public final class TransportStats {

    private static final MeterRegistry REGISTRY = new SimpleMeterRegistry();

    private TransportStats() {
    }

    /** Binds the meters of {@code group}'s ix loops (none for other transports). */
    static void bind(EventLoopGroup group) {
        if (!IxLoop.allOf(group).isEmpty()) {
            new IxTransportMetrics(group).bindTo(REGISTRY);
        }
    }

    /** @return the registry's meters in the format of the class comment */
    static String render() {
        return render(REGISTRY);
    }

    static String render(MeterRegistry registry) {
        List<String> lines = new ArrayList<>();
        for (Meter meter : registry.getMeters()) {
            String tags = meter.getId().getTags().stream()
                    .map(t -> t.getKey() + "=\"" + t.getValue() + '"')
                    .collect(Collectors.joining(",", "{", "}"));
            List<Measurement> measurements = new ArrayList<>();
            meter.measure().forEach(measurements::add);
            for (Measurement m : measurements) {
                String name = measurements.size() == 1 ? meter.getId().getName()
                        : meter.getId().getName() + '.' + m.getStatistic().getTagValueRepresentation();
                lines.add(name + tags + ' ' + number(m.getValue()));
            }
        }
        lines.sort(null);
        return lines.isEmpty() ? "" : String.join("\n", lines) + '\n';
    }

    private static String number(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
