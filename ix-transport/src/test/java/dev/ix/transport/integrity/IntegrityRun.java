package dev.ix.transport.integrity;

import dev.ix.transport.test.Poll;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One run of the integrity suite: a permutation under a variant. Starts the groups, the server, what the variant
 * puts beside the checked streams; opens every checked connection at once; waits for each stream to end; then
 * collects every way the run went wrong into {@link #problems()} (an empty list is a pass):
 *
 * <ul>
 *   <li>a stream whose bytes verified differ from the bytes sent ({@link StreamRecord#problem});</li>
 *   <li>an exception in a checked pipeline, a connection left open;</li>
 *   <li>an ix pool not full again once the connections closed, or a leak warning when the groups shut down;</li>
 *   <li>a variant that did not do what it says (no {@code ENOBUFS} with the tiny pool, no full SQ with the tiny
 *       ring).</li>
 * </ul>
 *
 * Every wait is a hang guard ({@value #GUARD_SECONDS} s), never a speed assertion.
 */
final class IntegrityRun {
    static final long GUARD_SECONDS = 60;

    private final Permutation permutation;
    private final Variant variant;
    private final Sizing sizing;
    private final long seed;
    private final List<String> problems = new ArrayList<>();
    private long bytes;
    private int prefixOnly;
    private int prefixOnlyWhole;
    private String counters = "";

    IntegrityRun(Permutation permutation, Variant variant, Sizing sizing, long seed) {
        this.permutation = permutation;
        this.variant = variant;
        this.sizing = sizing;
        this.seed = seed;
    }

    /** The headers of this run's checked streams: the variant's flows in turn, random lengths, every 8th tiny. */
    List<Flow.Header> headers() {
        SplittableRandom random = new SplittableRandom(seed);
        List<Flow> flows = List.copyOf(variant.flows());
        List<Flow.Header> headers = new ArrayList<>();
        for (int id = 0; id < sizing.connections(); id++) {
            long length = id % 8 == 0 ? random.nextLong(65) : random.nextLong(sizing.maxBytes() + 1);
            headers.add(new Flow.Header(flows.get(id % flows.size()), id, random.nextLong(), length));
        }
        return headers;
    }

    /** Runs it; then see {@link #problems()}. */
    IntegrityRun run() throws InterruptedException {
        Ledger ledger = new Ledger(headers());
        try (LoopWatch watch = new LoopWatch()) {
            EventLoopGroup serverGroup = permutation.server().newGroup("server", variant.ixConfig());
            EventLoopGroup clientGroup = permutation.client().newGroup("client", variant.ixConfig());
            watch.watch(serverGroup);
            watch.watch(clientGroup);
            try {
                exchange(ledger, serverGroup, clientGroup);
                checkPools(watch);
            } finally {
                clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(GUARD_SECONDS, TimeUnit.SECONDS);
                serverGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(GUARD_SECONDS, TimeUnit.SECONDS);
            }
            watch.leakWarnings().forEach(w -> problems.add("at shutdown, " + w));
        }
        return this;
    }

    private void exchange(Ledger ledger, EventLoopGroup serverGroup, EventLoopGroup clientGroup)
            throws InterruptedException {
        Channel server = new ServerBootstrap().group(serverGroup).channel(permutation.server().serverChannel())
                .childHandler(pipeline(() -> new IntegrityServerHandler(ledger)))
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        Bootstrap client = new Bootstrap().group(clientGroup).channel(permutation.client().channel())
                .remoteAddress(server.localAddress());
        List<Channel> idle = IdleConnections.open(client.clone(), ledger, variant.idleBeside());
        RstStorm storm = variant.rstStorm() ? new RstStorm(
                new ServerBootstrap().group(serverGroup).channel(permutation.server().serverChannel()),
                client.clone()) : null;

        List<ChannelFuture> connects = new ArrayList<>();
        for (StreamRecord record : ledger.streams()) {
            connects.add(client.clone().handler(pipeline(() -> new IntegrityClientHandler(ledger, record)))
                    .connect());
        }
        for (ChannelFuture f : connects) {
            if (!f.await(GUARD_SECONDS, TimeUnit.SECONDS) || !f.isSuccess()) {
                problems.add("connect: " + (f.isDone() ? f.cause() : "no answer in " + GUARD_SECONDS + " s"));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        for (StreamRecord record : ledger.streams()) {
            record.awaitReceived(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            bytes += Math.max(0, record.receivedBytes());
            boolean whole = variant.expectsWhole(record.header().flow(), sizing);
            String problem = record.problem(whole);
            if (problem != null) {
                problems.add(problem);
            } else if (!whole) {
                prefixOnly++;
                prefixOnlyWhole += record.problem(true) == null ? 1 : 0;
            }
        }
        // For the log only: how often a stream allowed to be cut arrived whole anyway (epoll: about two in three).
        counters += ", " + prefixOnlyWhole + "/" + prefixOnly + " streams allowed a prefix arrived whole";
        if (storm != null) {
            counters += ", " + storm.stop() + " resets (" + storm.errors() + " errors on them)";
            List<Channel> open = storm.channels().stream().filter(Channel::isOpen).toList();
            Poll.until(() -> open.stream().noneMatch(Channel::isOpen));
            open.stream().filter(Channel::isOpen).forEach(c -> problems.add("RST storm connection still open: " + c));
        }
        idle.forEach(Channel::close);
        ledger.awaitAllClosed(GUARD_SECONDS, TimeUnit.SECONDS).forEach(c -> problems.add("still open: " + c));
        server.close().sync();
        ledger.exceptions().forEach(e -> problems.add("exception in " + e));
    }

    private ChannelInitializer<Channel> pipeline(Supplier<ChannelHandler> handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (variant.toggleAutoRead()) {
                    ch.pipeline().addLast(new AutoReadToggler());
                }
                ch.pipeline().addLast(handler.get());
            }
        };
    }

    private void checkPools(LoopWatch watch) throws InterruptedException {
        if (!watch.watchesAny()) {
            return;
        }
        // Releases from other threads reach a pool through its queue: give the loops a moment to drain it.
        if (!Poll.until(() -> watch.mbufsInUse() == 0)) {
            problems.add("the mbuf pool is not full again after every connection closed:" + watch.describe());
        }
        counters += ", " + watch.enobufs() + " ENOBUFS, " + watch.sqFull() + " SQ full";
        if (variant.tinyPool() && watch.enobufs() == 0) {
            problems.add("tiny pool, but no loop ran out of mbufs (ENOBUFS 0): the variant tested nothing");
        }
        if (variant.tinyRing() && watch.sqFull() == 0) {
            problems.add("tiny ring, but no loop found its SQ full: the variant tested nothing");
        }
    }

    List<String> problems() {
        return problems;
    }

    /** @return one line for the log: what the run carried and what its counters say */
    String summary() {
        return permutation + ", " + variant + ": " + sizing.connections() + " streams, " + bytes
                + " B verified" + counters + ", seed " + seed;
    }
}
