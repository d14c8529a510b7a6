package dev.ix.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The part of the load one generator event loop drives: its connections, their open-loop schedule and the timer
 * that sends what falls due, the batching of writes, the response timeouts, and what it measures ({@link LoopStats}).
 *
 * <p>Apart from construction, {@link #add} and the first connects, everything runs on {@link #eventLoop}; the
 * methods meant to be called from elsewhere say so.
 *
 * <p>Writes are batched: whatever becomes due while the loop handles one timer tick or one read batch is written on
 * every connection concerned first and flushed on each afterwards, once. On ix a loop turn's flushes leave in one
 * {@code io_uring_enter}.
 */
final class LoadLoop {

    final EventLoop eventLoop;
    final InetSocketAddress address;
    final RequestBlock template;
    final LoadProtocol protocol;
    final int pipeline;
    final boolean openLoop;
    /** Time between two requests of one connection in an open loop, ns. */
    final double intervalNanos;
    final long timeoutNanos;
    final DueQueue queue = new DueQueue();
    final LoopStats stats = new LoopStats();

    /** Requests taken from the schedule and not answered yet, over all connections. */
    long outstanding;
    /** No request is sent at or after this time, ns. */
    long windowEnd = Long.MAX_VALUE;

    private final Bootstrap bootstrap;
    private final double rate;
    private final List<Connection> connections = new ArrayList<>();
    private final CountDownLatch drained;
    private final Runnable tick = this::onTimer;

    private Connection[] toWrite = new Connection[16];
    private int toWriteCount;

    private boolean started;
    private boolean sending;
    private boolean drainSignalled;
    private boolean windowClosed;
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;
    private final List<ScheduledFuture<?>> periodic = new ArrayList<>();
    private Sampler sampler;

    /**
     * @param address  the target, resolved
     * @param template the request; shared by all loops, released by the caller after the run
     * @param spec     the run (pipeline, rate over all the generator's connections, timeout)
     * @param drained  counted down once by this loop when it has stopped sending and nothing is in flight
     */
    LoadLoop(EventLoop eventLoop, LoopDriver driver, InetSocketAddress address, RequestBlock template,
             LoadSpec spec, CountDownLatch drained) {
        this.eventLoop = eventLoop;
        this.address = address;
        this.template = template;
        this.protocol = spec.protocol();
        this.pipeline = spec.pipeline();
        this.rate = spec.rate();
        this.openLoop = spec.openLoop();
        this.intervalNanos = openLoop ? spec.connections() * 1e9 / spec.rate() : 0;
        this.timeoutNanos = spec.timeout().toNanos();
        this.drained = drained;
        this.bootstrap = new Bootstrap()
                .group(eventLoop)
                .channel(driver.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        Math.max(1, spec.timeout().toMillis())));
    }

    /** Before the first connect, on the thread that builds the run. */
    void add(Connection c) {
        connections.add(c);
    }

    /** @return a bootstrap for one connect, to give a handler of its own */
    Bootstrap bootstrap() {
        return bootstrap.clone();
    }

    boolean started() {
        return started;
    }

    boolean sending() {
        return sending;
    }

    /** @return whether sending has ended: no more connects, no more requests */
    boolean stopped() {
        return started && !sending;
    }

    /**
     * Starts the load on this loop; on the loop.
     *
     * @param start       when the first requests are due (the warm-up starts), ns
     * @param windowStart when the measured window opens, ns
     * @param windowEnd   when sending stops, ns
     */
    void start(long start, long windowStart, long windowEnd) {
        this.windowEnd = windowEnd;
        stats.windowStartsAt(windowStart);
        started = true;
        sending = true;
        long now = System.nanoTime();
        for (Connection c : connections) {
            // Phases spread the connections' requests evenly over one interval, so that they do not all fire at once.
            c.start(openLoop ? start + (long) (c.index() * 1e9 / rate) : start);
        }
        afterEvents();
        eventLoop.schedule(this::closeWindow, windowEnd - now, TimeUnit.NANOSECONDS);
        long period = Math.clamp(timeoutNanos / 8, TimeUnit.MILLISECONDS.toNanos(10),
                TimeUnit.MILLISECONDS.toNanos(250));
        periodic.add(eventLoop.scheduleAtFixedRate(this::checkTimeouts, period, period, TimeUnit.NANOSECONDS));
        sampler = new Sampler(windowStart, (windowEnd - windowStart) / TimeUnit.SECONDS.toNanos(1));
        if (sampler.samples > 0) {
            long second = TimeUnit.SECONDS.toNanos(1);
            periodic.add(eventLoop.scheduleAtFixedRate(sampler, windowStart + second - now, second,
                    TimeUnit.NANOSECONDS));
        }
    }

    /** Sends whatever the open-loop schedule has made due, then writes, flushes and re-arms the timer. */
    private void onTimer() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        long now = System.nanoTime();
        while (queue.earliest() <= now) {
            queue.poll().sendWhatIsDue(now);
        }
        afterEvents();
    }

    void needsWrite(Connection c) {
        if (c.writeQueued) {
            return;
        }
        c.writeQueued = true;
        if (toWriteCount == toWrite.length) {
            toWrite = Arrays.copyOf(toWrite, toWriteCount * 2);
        }
        toWrite[toWriteCount++] = c;
    }

    /**
     * Ends a batch of events: writes every connection's new requests, then flushes each connection written to, and
     * arms the timer for the schedule's next request.
     */
    void afterEvents() {
        int n = toWriteCount;
        if (n > 0) {
            Connection[] list = toWrite;
            int written = 0;
            for (int i = 0; i < n; i++) {
                Connection c = list[i];
                c.writeQueued = false;
                if (c.write()) {
                    list[written++] = c;
                }
            }
            for (int i = 0; i < written; i++) {
                list[i].flush();
            }
            Arrays.fill(list, 0, n, null);
            toWriteCount = 0;
        }
        armTimer();
    }

    private void armTimer() {
        long next = queue.earliest();
        if (next >= timerAt) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = next;
        timer = eventLoop.schedule(tick, next - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /**
     * At the window's end: stops sending and charges what was due and not sent. Nothing leaves at or after
     * {@code windowEnd} even when this task runs late ({@link Connection#sendWhatIsDue} checks the time), so what is
     * unsent now was unsent then.
     */
    private void closeWindow() {
        if (windowClosed) {
            return;
        }
        windowClosed = true;
        stop();
        for (Connection c : connections) {
            c.chargeUnsent(windowEnd);
        }
    }

    private void stop() {
        sending = false;
        while (!queue.isEmpty()) {
            queue.poll();
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
            timerAt = Long.MAX_VALUE;
        }
        drainedMaybe();
    }

    private void checkTimeouts() {
        long now = System.nanoTime();
        for (Connection c : connections) {
            c.checkTimeout(now);
        }
        afterEvents();
        drainedMaybe();
    }

    /** Signals the run once sending has stopped and every request has been answered or given up. */
    void drainedMaybe() {
        if (started && !sending && outstanding == 0 && !drainSignalled) {
            drainSignalled = true;
            drained.countDown();
        }
    }

    /**
     * Ends the load on this loop; on the loop. Requests still unanswered count as timeouts.
     *
     * @return the closes of the connections' channels
     */
    List<ChannelFuture> finish() {
        closeWindow();
        for (ScheduledFuture<?> f : periodic) {
            f.cancel(false);
        }
        long now = System.nanoTime();
        if (sampler != null) {
            sampler.catchUp(now);
        }
        List<ChannelFuture> closes = new ArrayList<>();
        for (Connection c : connections) {
            ChannelFuture close = c.finish(now);
            if (close != null) {
                closes.add(close);
            }
        }
        return closes;
    }

    /** Takes one Req/Sec sample at the end of each whole second of the window. */
    private final class Sampler implements Runnable {
        private final long windowStart;
        private final long samples;
        private long taken;

        Sampler(long windowStart, long samples) {
            this.windowStart = windowStart;
            this.samples = samples;
        }

        @Override
        public void run() {
            catchUp(System.nanoTime());
        }

        /** Takes the samples whose second has ended by {@code now}: a timer may fire late, or not before the end. */
        void catchUp(long now) {
            while (taken < samples && now - windowStart >= (taken + 1) * 1_000_000_000L) {
                stats.sample();
                taken++;
            }
        }
    }
}
