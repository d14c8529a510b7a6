package dev.ix.bench.scale;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The latency load of a step, open loop: message {@code k} has the intended send time {@code start + k / rate} and
 * goes out on connection {@code k mod connections} at that time (or as soon after as the loop gets to it); its
 * latency is from that intended time to the moment its echo is read, so a server that stalls is charged for every
 * message it kept waiting (no coordinated omission). Messages intended within the warm-up are not recorded; those
 * intended within the measured window are, and any not echoed within {@link #DRAIN} after it count as unanswered.
 *
 * <p>A message is {@value #MESSAGE_BYTES} bytes: its intended send time ({@link System#nanoTime()}) and its number,
 * big-endian. Lives on the client's event loop.
 */
final class EchoLoad {

    /** Bytes per message. */
    static final int MESSAGE_BYTES = 16;

    /** How long to wait for the last echoes after the window. */
    static final Duration DRAIN = Duration.ofSeconds(5);

    /** The highest latency recorded as itself; longer ones are recorded as this, µs. */
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(5);

    /**
     * The latency of the measured window.
     *
     * @param micros     latencies, µs, of the messages answered
     * @param sent       messages intended within the window
     * @param answered   of those, echoed
     * @param total      messages sent, the warm-up's included
     * @param rate       offered messages per second
     * @param seconds    the window
     */
    record Result(Histogram micros, long sent, long answered, long total, double rate, double seconds) {

        /** @return messages intended within the window but never echoed */
        long unanswered() {
            return sent - answered;
        }
    }

    private final EventLoop loop;
    private final List<ScaleConnection> connections;
    private final double rate;
    private final long warmupNanos;
    private final long durationNanos;
    private final CompletableFuture<Result> result;
    private final Histogram micros = new Histogram(HIGHEST_MICROS, 3);
    private long start;
    private long measureFrom;
    private long measureUntil;
    private long next;
    private long sent;
    private long answered;
    private boolean sending = true;

    EchoLoad(EventLoop loop, List<ScaleConnection> connections, double rate, Duration warmup, Duration duration,
             CompletableFuture<Result> result) {
        this.loop = loop;
        this.connections = connections;
        this.rate = rate;
        this.warmupNanos = warmup.toNanos();
        this.durationNanos = duration.toNanos();
        this.result = result;
    }

    /** @return the intended send time written into an echoed message */
    static long intendedNanos(byte[] message) {
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = (v << 8) | (message[i] & 0xFF);
        }
        return v;
    }

    /** Starts sending. On the loop. */
    void start() {
        for (ScaleConnection c : connections) {
            c.startLoad(this);
        }
        start = System.nanoTime();
        measureFrom = start + warmupNanos;
        measureUntil = measureFrom + durationNanos;
        tick();
    }

    /** The echo of a message intended at {@code intended} was read at {@code now}. On the loop. */
    void answered(long intended, long now) {
        if (intended < measureFrom || intended >= measureUntil || result.isDone()) {
            return;
        }
        micros.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (now - intended) / 1000)));
        answered++;
        if (!sending && answered == sent) {
            finish();
        }
    }

    private long intended(long k) {
        return start + (long) (k * 1e9 / rate);
    }

    /** Sends every message due by now, then sleeps until the next one is. */
    private void tick() {
        long now = System.nanoTime();
        long due;
        while ((due = intended(next)) <= now && due < measureUntil) {
            send(connections.get((int) (next % connections.size())).channel(), due, next);
            if (due >= measureFrom) {
                sent++;
            }
            next++;
        }
        if (due >= measureUntil) {
            sending = false;
            if (answered == sent) {
                finish();
            } else {
                loop.schedule(this::finish, DRAIN.toNanos(), TimeUnit.NANOSECONDS);
            }
            return;
        }
        loop.schedule(this::tick, due - now, TimeUnit.NANOSECONDS);
    }

    private static void send(Channel channel, long intended, long number) {
        if (!channel.isActive()) {
            return;
        }
        ByteBuf message = channel.alloc().directBuffer(MESSAGE_BYTES).writeLong(intended).writeLong(number);
        channel.writeAndFlush(message, channel.voidPromise());
    }

    private void finish() {
        if (!result.isDone()) {
            result.complete(new Result(micros.copy(), sent, answered, next, rate, durationNanos / 1e9));
        }
    }
}
