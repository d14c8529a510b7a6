package dev.ix.transport.integrity;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ix.transport.IxLoop;
import dev.ix.transport.IxLoopStats;
import io.netty.channel.EventLoopGroup;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Watches a run's ix loops: their receive pools (every mbuf back once the connections closed), the counters that
 * show a variant really did what it says ({@code ENOBUFS}, a full SQ), and what the transport logs at WARN or above
 * while the run and the shutdown of its groups happen — a loop that stops with mbufs out says "receive mbuf(s) were
 * not released". The loops are kept from the start: a stopped loop is no longer listed by {@link IxLoop#allOf}.
 */
final class LoopWatch implements AutoCloseable {
    /**
     * What the transport says when a stopping loop finds its pool or its operations not all back, or when a
     * completion's handling threw (the loop logs it and goes on, but a channel's state may be left half-updated).
     */
    private static final List<String> LEAK_WORDS = List.of("not released", "in flight", "keeping",
            "unexpected exception");

    private final List<IxLoop> loops = new ArrayList<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.ix.transport");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LoopWatch() {
        appender.start();
        logger.addAppender(appender);
    }

    /** Watches every ix loop of {@code group} (none for another transport). */
    void watch(EventLoopGroup group) {
        loops.addAll(IxLoop.allOf(group));
    }

    boolean watchesAny() {
        return !loops.isEmpty();
    }

    /** @return mbufs the application holds now, over all watched loops */
    int mbufsInUse() {
        return loops.stream().mapToInt(l -> l.stats().mbufsInUse()).sum();
    }

    /** @return times a watched loop's receive paused because its pool was empty */
    long enobufs() {
        return loops.stream().mapToLong(l -> l.stats().mbufEnobufs()).sum();
    }

    /** @return times a watched loop's SQ filled up within a turn */
    long sqFull() {
        return loops.stream().mapToLong(l -> l.stats().sqFull()).sum();
    }

    /** @return per loop, the pool's use and the counters, for a failure message */
    String describe() {
        StringBuilder s = new StringBuilder();
        for (IxLoop loop : loops) {
            IxLoopStats st = loop.stats();
            s.append("\n  ").append(loop).append(": mbufs in use ").append(st.mbufsInUse()).append('/')
                    .append(st.mbufCount()).append(", enobufs ").append(st.mbufEnobufs()).append(", sq full ")
                    .append(st.sqFull()).append(", connections ").append(st.connections());
        }
        return s.toString();
    }

    /** @return the transport's WARN (and worse) lines that speak of mbufs or operations not back at a stop */
    List<String> leakWarnings() {
        List<String> found = new ArrayList<>();
        for (ILoggingEvent e : List.copyOf(appender.list)) {
            String message = e.getFormattedMessage();
            if (e.getLevel().isGreaterOrEqual(Level.WARN) && LEAK_WORDS.stream().anyMatch(message::contains)) {
                found.add(e.getLoggerName() + ": " + message);
            }
        }
        return found;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
