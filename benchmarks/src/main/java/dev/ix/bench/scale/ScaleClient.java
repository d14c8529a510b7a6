package dev.ix.bench.scale;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The load side of the connection-scale benchmark: one Netty event loop on the <b>epoll</b> transport, whichever
 * transport the server runs on, so that the client is the same for every server. It opens connections in batches
 * ({@link #open}), holds them, and drives the latency load on a few of them ({@link #runLoad}).
 *
 * <p>Every connection binds its {@linkplain SourceAddresses source address} before connecting (with {@code
 * IP_BIND_ADDRESS_NO_PORT}, so the kernel picks the port at connect time), sends one byte and counts as open once
 * the server echoed it: then the server has accepted it and reads it, which a completed connect alone does not
 * prove (the kernel completes handshakes into the listen backlog before the server accepts).
 *
 * <p>Threading: every connection and all state live on the one event loop; the public methods block the calling
 * thread until the loop has done the work.
 */
final class ScaleClient implements AutoCloseable {

    private static final long CLOSE_TIMEOUT_SECONDS = 60;

    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final InetSocketAddress server;
    private final SourceAddresses sources;
    private final long connectTimeoutNanos;
    /** The open active connections; idle ones are held by their registration with the loop only. */
    private final List<ScaleConnection> active = new ArrayList<>();
    private long nextIndex;
    private boolean closing;
    private volatile long dropped;

    /**
     * @param server         the echo server's address
     * @param sources        the source addresses to spread the connections over
     * @param connectTimeout how long one connection may take to connect and echo its first byte
     */
    ScaleClient(InetSocketAddress server, SourceAddresses sources, Duration connectTimeout) {
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("scale-client"),
                EpollIoHandler.newFactory());
        this.loop = group.next();
        this.server = server;
        this.sources = sources;
        this.connectTimeoutNanos = connectTimeout.toNanos();
    }

    /** What the connections of a batch are for. */
    enum Role {
        /** Held open and silent after their first echo. */
        IDLE,
        /** Carry the latency load of {@link #runLoad}. */
        ACTIVE,
        /** Closed by the client once open: they exercise the server's accept and close paths before it is measured. */
        WARMUP
    }

    /**
     * Opens {@code count} connections, at most {@code inFlight} at a time, and keeps them open (unless they are for
     * {@link Role#WARMUP}). Returns at once; {@link Batch#result()} completes when every connection is open or has
     * failed, or after {@code maxFailures} failures (the rest are then not tried).
     */
    Batch open(int count, Role role, int inFlight, int maxFailures) {
        Batch batch = new Batch(count, role, inFlight, maxFailures);
        loop.execute(batch::pump);
        return batch;
    }

    /**
     * Runs the open-loop echo load over the active connections: {@code rate} messages per second in all, sent in
     * turn over the connections at their intended times; latency counts from that time.
     *
     * @throws IllegalStateException if no active connection is open
     */
    EchoLoad.Result runLoad(double rate, Duration warmup, Duration duration) throws InterruptedException {
        CompletableFuture<EchoLoad.Result> result = new CompletableFuture<>();
        loop.execute(() -> {
            if (active.isEmpty()) {
                result.completeExceptionally(new IllegalStateException("no active connection is open"));
                return;
            }
            new EchoLoad(loop, List.copyOf(active), rate, warmup, duration, result).start();
        });
        return join(result);
    }

    /** @return connections the server closed after they were open (before {@link #close()}) */
    long dropped() {
        return dropped;
    }

    /** Closes every connection and stops the event loop; waits for both. */
    @Override
    public void close() {
        loop.execute(() -> closing = true);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS,
                TimeUnit.SECONDS);
    }

    /** A connection's first byte came back: it is open. On the loop. */
    void opened(ScaleConnection c, Batch batch) {
        switch (batch.role) {
            case ACTIVE -> active.add(c);
            case WARMUP -> c.channel().close();
            case IDLE -> { }
        }
        batch.done(null, null);
    }

    /** A connection could not be opened. On the loop. */
    void failed(Batch batch, ConnectError error, Throwable cause) {
        batch.done(error, cause);
    }

    /** An open connection was closed. On the loop. */
    void closedAfterOpen(ScaleConnection c) {
        if (closing || c.role() == Role.WARMUP) {
            return;
        }
        dropped++;
        if (c.role() == Role.ACTIVE) {
            active.remove(c);
        }
    }

    private void startOne(Batch batch) {
        InetSocketAddress local = new InetSocketAddress(sources.forIndex(nextIndex++), 0);
        EpollSocketChannel channel;
        try {
            channel = new EpollSocketChannel();
            channel.config().setTcpNoDelay(true);
            channel.config().setOption(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        } catch (RuntimeException e) {
            batch.done(ConnectError.classify(e), e);
            return;
        }
        ScaleConnection c = new ScaleConnection(this, batch, channel);
        channel.pipeline().addLast(c);
        c.armTimeout(loop, connectTimeoutNanos);
        loop.register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                c.fail(registered.cause());
                return;
            }
            channel.connect(server, local).addListener(connected -> {
                if (!connected.isSuccess()) {
                    c.fail(connected.cause());
                }
            });
        });
    }

    private static <T> T join(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The outcome of one {@link #open} batch.
     *
     * @param requested     connections asked for
     * @param opened        connections open (echoed once)
     * @param nanos         from the first connect to the last outcome
     * @param failures      failed connections by kind
     * @param firstMessages the first exception message of each kind
     * @param stoppedEarly  whether the batch stopped after too many failures
     */
    record Outcome(int requested, int opened, long nanos, Map<ConnectError, Integer> failures,
                   Map<ConnectError, String> firstMessages, boolean stoppedEarly) {

        /** @return failed connections, all kinds */
        int failed() {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** @return connections opened per second */
        double perSecond() {
            return nanos == 0 ? 0 : opened * 1e9 / nanos;
        }
    }

    /** One batch of connections being opened; its counters may be read from any thread. */
    final class Batch {
        private final int target;
        private final Role role;
        private final int inFlightLimit;
        private final int maxFailures;
        private final long startNanos = System.nanoTime();
        private final Map<ConnectError, Integer> failures = new EnumMap<>(ConnectError.class);
        private final Map<ConnectError, String> firstMessages = new EnumMap<>(ConnectError.class);
        private final CompletableFuture<Outcome> result = new CompletableFuture<>();
        private int started;
        private int inFlight;
        private boolean pumping;
        private volatile int opened;
        private volatile int failed;

        private Batch(int target, Role role, int inFlightLimit, int maxFailures) {
            this.target = target;
            this.role = role;
            this.inFlightLimit = inFlightLimit;
            this.maxFailures = maxFailures;
        }

        /** @return completes once every connection of the batch has an outcome */
        CompletableFuture<Outcome> result() {
            return result;
        }

        /** @return connections open so far */
        int opened() {
            return opened;
        }

        /** @return connections failed so far */
        int failed() {
            return failed;
        }

        /** @return what the connections are for */
        Role role() {
            return role;
        }

        private boolean stopping() {
            return failed >= maxFailures;
        }

        /**
         * Starts connections while fewer than the limit are in flight. On the loop; a connection that fails at once
         * (no file descriptor left) ends within this loop, not in a nested one.
         */
        private void pump() {
            if (pumping) {
                return;
            }
            pumping = true;
            try {
                while (inFlight < inFlightLimit && started < target && !stopping()) {
                    started++;
                    inFlight++;
                    startOne(this);
                }
            } finally {
                pumping = false;
            }
            if (inFlight == 0 && (started == target || stopping()) && !result.isDone()) {
                result.complete(new Outcome(target, opened, System.nanoTime() - startNanos,
                        Collections.unmodifiableMap(new EnumMap<>(failures)),
                        Collections.unmodifiableMap(new EnumMap<>(firstMessages)), started < target));
            }
        }

        /** One connection has its outcome: open when {@code error} is null. On the loop. */
        private void done(ConnectError error, Throwable cause) {
            inFlight--;
            if (error == null) {
                opened++;
            } else {
                failed++;
                failures.merge(error, 1, Integer::sum);
                firstMessages.putIfAbsent(error, cause == null ? error.label() : String.valueOf(cause));
            }
            pump();
        }
    }
}
