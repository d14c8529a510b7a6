package dev.ix.transport;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for every ix loop of a group, tagged {@code loop=<index>} (plus the tags given), all under
 * {@code ix.transport.*} in base units. Micrometer is an optional dependency of the transport: only this class
 * needs it.
 *
 * <pre>{@code
 * new IxTransportMetrics(group, Tags.of("server", "http")).bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters, per loop</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>ix.transport.turns</td><td>counter</td><td>loop turns</td></tr>
 *   <tr><td>ix.transport.completions</td><td>counter</td><td>completions handled</td></tr>
 *   <tr><td>ix.transport.turns.by.completions</td><td>counters, tag {@code completions}: {@code 0}, {@code 1},
 *       {@code 2-3}, {@code 4-7}, … {@code 4096+}</td><td>turns by their number of completions: the batch-size
 *       distribution</td></tr>
 *   <tr><td>ix.transport.enter.calls</td><td>counter</td><td>{@code io_uring_enter} system calls</td></tr>
 *   <tr><td>ix.transport.sq.full</td><td>counter</td><td>submission queue full mid-turn</td></tr>
 *   <tr><td>ix.transport.cq.overflows</td><td>counter</td><td>turns that found the CQ overflowed</td></tr>
 *   <tr><td>ix.transport.cq.dropped</td><td>counter</td><td>completions the kernel dropped (lost)</td></tr>
 *   <tr><td>ix.transport.mbufs.used / .high.water / .capacity</td><td>gauges</td><td>receive mbufs</td></tr>
 *   <tr><td>ix.transport.mbufs.enobufs</td><td>counter</td><td>receive paused, every mbuf held</td></tr>
 *   <tr><td>ix.transport.mbufs.leaks.reclaimed</td><td>counter</td><td>mbufs dropped unreleased, taken back after
 *       the GC found them (tracked ones only)</td></tr>
 *   <tr><td>ix.transport.bytes.received / .sent</td><td>counters (bytes)</td><td>payload bytes</td></tr>
 *   <tr><td>ix.transport.connections</td><td>gauge</td><td>connections on the loop</td></tr>
 *   <tr><td>ix.transport.connections.opened</td><td>counter</td><td>connections registered</td></tr>
 *   <tr><td>ix.transport.accept.backoffs</td><td>counter</td><td>accept paused: out of descriptors/memory</td></tr>
 *   <tr><td>ix.transport.stalls</td><td>counter</td><td>turns past the stall budget</td></tr>
 *   <tr><td>ix.transport.busy.time</td><td>counter (seconds)</td><td>time spent working; its rate is the busy
 *       fraction</td></tr>
 *   <tr><td>ix.transport.busy</td><td>gauge (ratio)</td><td>busy fraction of the last second</td></tr>
 *   <tr><td>ix.transport.turn.duration</td><td>gauge (seconds)</td><td>mean turn length of the last second (queueing
 *       delay)</td></tr>
 *   <tr><td>ix.transport.timers</td><td>gauge</td><td>timers on the loop's wheel</td></tr>
 *   <tr><td>ix.transport.loop.alive</td><td>gauge</td><td>1 while the loop runs, 0 once it stopped or died</td></tr>
 * </table>
 *
 * <p>Loops are looked up when {@link #bindTo} runs: bind after the group is created. Every meter reads the loop's
 * counters on demand: binding adds nothing to the loop's path.
 */
public final class IxTransportMetrics implements MeterBinder {
    private final EventExecutorGroup group;
    private final Tags tags;

    /** @param group a group of ix loops (loops of other transports are skipped) */
    public IxTransportMetrics(EventExecutorGroup group) {
        this(group, Tags.empty());
    }

    /**
     * @param group a group of ix loops
     * @param tags  added to every meter, e.g. to tell two groups apart
     */
    public IxTransportMetrics(EventExecutorGroup group, Iterable<Tag> tags) {
        this.group = group;
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        List<IxLoop> loops = IxLoop.allOf(group);
        for (IxLoop loop : loops) {
            Tags t = tags.and("loop", Integer.toString(loop.index()));
            counter(registry, "ix.transport.turns", "loop turns", null, t, loop, s -> s.turns());
            counter(registry, "ix.transport.completions", "completions handled", null, t, loop,
                    s -> s.completions());
            counter(registry, "ix.transport.enter.calls", "io_uring_enter system calls", null, t, loop,
                    s -> s.enterCalls());
            counter(registry, "ix.transport.sq.full", "times the submission queue was full in the middle of a turn",
                    null, t, loop, s -> s.sqFull());
            counter(registry, "ix.transport.cq.overflows", "turns that found the completion queue overflowed", null,
                    t, loop, s -> s.cqOverflows());
            counter(registry, "ix.transport.cq.dropped", "completions the kernel dropped: the completion queue and"
                    + " its overflow list were full", null, t, loop, s -> s.cqDropped());
            counter(registry, "ix.transport.mbufs.enobufs", "times receive paused because every mbuf was held",
                    null, t, loop, s -> s.mbufEnobufs());
            counter(registry, "ix.transport.mbufs.leaks.reclaimed", "mbufs the application dropped unreleased,"
                    + " taken back after the garbage collector found them", null, t, loop,
                    s -> s.mbufLeaksReclaimed());
            counter(registry, "ix.transport.bytes.received", "bytes received", BaseUnits.BYTES, t, loop,
                    s -> s.bytesReceived());
            counter(registry, "ix.transport.bytes.sent", "bytes sent", BaseUnits.BYTES, t, loop,
                    s -> s.bytesSent());
            counter(registry, "ix.transport.connections.opened", "connections registered", null, t, loop,
                    s -> s.connectionsOpened());
            counter(registry, "ix.transport.accept.backoffs", "times accepting paused: out of file descriptors or"
                    + " memory", null, t, loop, s -> s.acceptBackoffs());
            counter(registry, "ix.transport.stalls", "loop turns that ran past the stall budget", null, t, loop,
                    s -> s.stalls());
            counter(registry, "ix.transport.busy.time", "time the loop spent working; its rate is the busy"
                    + " fraction", "seconds", t, loop, s -> s.busyNanos() / 1e9);
            gauge(registry, "ix.transport.mbufs.used", "receive mbufs held by the application", null, t, loop,
                    l -> l.stats().mbufsInUse());
            gauge(registry, "ix.transport.mbufs.high.water", "the most receive mbufs held at once", null, t, loop,
                    l -> l.stats().mbufsHighWater());
            gauge(registry, "ix.transport.mbufs.capacity", "receive mbufs in the loop's pool", null, t, loop,
                    l -> l.stats().mbufCount());
            gauge(registry, "ix.transport.connections", "connections on the loop", null, t, loop,
                    l -> l.stats().connections());
            gauge(registry, "ix.transport.timers", "timers on the loop's wheel", null, t, loop,
                    l -> l.stats().timers());
            gauge(registry, "ix.transport.busy", "share of the last second the loop worked, 0..1", "ratio", t,
                    loop, IxLoop::busyFraction);
            gauge(registry, "ix.transport.turn.duration", "mean loop turn of the last second: how long a completion"
                    + " waits to be collected", "seconds", t, loop, l -> l.meanTurnNanos() / 1e9);
            gauge(registry, "ix.transport.loop.alive", "1 while the loop runs", null, t, loop,
                    l -> l.isAlive() ? 1 : 0);
            for (int b = 0; b < LoopActivity.TURN_SIZE_BUCKETS; b++) {
                int bucket = b;
                counter(registry, "ix.transport.turns.by.completions", "loop turns by the number of completions"
                        + " they handled (the batch size)", null, t.and("completions", LoopActivity.bucketLabel(b)),
                        loop, s -> s.completionsPerTurn()[bucket]);
            }
        }
    }

    private static void counter(MeterRegistry registry, String name, String description, String unit, Tags tags,
                                IxLoop loop, ToDoubleFunction<IxLoopStats> value) {
        // The function holds the loop strongly: a stopped loop keeps reporting its last counts instead of NaN.
        FunctionCounter.builder(name, loop, ignored -> value.applyAsDouble(loop.stats())).description(description)
                .baseUnit(unit).tags(tags).register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String description, String unit, Tags tags,
                              IxLoop loop, ToDoubleFunction<IxLoop> value) {
        Gauge.builder(name, loop, value).description(description).baseUnit(unit).tags(tags).strongReference(true)
                .register(registry);
    }
}
