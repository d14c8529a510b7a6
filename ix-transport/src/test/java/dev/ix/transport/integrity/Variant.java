package dev.ix.transport.integrity;

import dev.ix.transport.IxIoHandlerConfig;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One condition the integrity suite runs every permutation under: which flows the checked streams take, how the
 * ix loops are sized, and what else happens beside them. {@link #ALL} lists the suite's variants.
 *
 * @param name           shown in the test name
 * @param flows          the checked streams take these flows in turn
 * @param mbufCount      receive mbufs per ix loop (the default, or tiny: {@code ENOBUFS} most of the time)
 * @param ringEntries    SQ entries per ix loop (the default, or tiny: the SQ fills up within a turn)
 * @param toggleAutoRead both ends turn {@code autoRead} off and on at random ({@link AutoReadToggler})
 * @param idleBeside     idle connections held open beside the checked ones
 * @param rstStorm       connections that send data the server does not read and reset (SO_LINGER 0) beside
 */
record Variant(String name, Set<Flow> flows, int mbufCount, int ringEntries, boolean toggleAutoRead, int idleBeside,
               boolean rstStorm) {

    private static final Set<Flow> EVERY_FLOW = EnumSet.allOf(Flow.class);
    private static final int DEFAULT_MBUFS = IxIoHandlerConfig.defaults().mbufCount();
    private static final int DEFAULT_RING = IxIoHandlerConfig.defaults().ringEntries();

    /** 16 mbufs of 2 KiB per loop: a 32 KiB pool against 256 KiB chunks runs out all the time. */
    static final int TINY_MBUFS = 16;
    /** The smallest SQ the config allows: every turn with more than two submissions fills it. */
    static final int TINY_RING = 2;
    static final int IDLE_BESIDE = 1000;

    static final List<Variant> ALL = List.of(
            new Variant("half-close after sending", EnumSet.of(Flow.ECHO_HALF_CLOSE), DEFAULT_MBUFS, DEFAULT_RING,
                    false, 0, false),
            new Variant("close right after the last flush", EnumSet.complementOf(EnumSet.of(Flow.ECHO_HALF_CLOSE)),
                    DEFAULT_MBUFS, DEFAULT_RING, false, 0, false),
            new Variant("autoRead toggled at random", EVERY_FLOW, DEFAULT_MBUFS, DEFAULT_RING, true, 0, false),
            new Variant("tiny mbuf pool", EVERY_FLOW, TINY_MBUFS, DEFAULT_RING, false, 0, false),
            new Variant("tiny ring", EVERY_FLOW, DEFAULT_MBUFS, TINY_RING, false, 0, false),
            new Variant(IDLE_BESIDE + " idle connections beside", EVERY_FLOW, DEFAULT_MBUFS, DEFAULT_RING, false,
                    IDLE_BESIDE, false),
            new Variant("RST storm beside", EVERY_FLOW, DEFAULT_MBUFS, DEFAULT_RING, false, 0, true));

    /** @return the ix loop settings of this variant */
    IxIoHandlerConfig ixConfig() {
        return IxIoHandlerConfig.defaults().withMbufCount(mbufCount).withRingEntries(ringEntries);
    }

    boolean tinyPool() {
        return mbufCount == TINY_MBUFS;
    }

    boolean tinyRing() {
        return ringEntries == TINY_RING;
    }

    /**
     * @return whether {@code flow} must deliver its whole stream here (contracts c and e); otherwise a clean prefix
     *         of the stream holding at least every acknowledged write (contracts a, b, d, f). A sender that ends
     *         without waiting may lose its unsent tail, as on Netty epoll; so may the echo server, which closes on
     *         the client's FIN right after flushing the echo, when the client pauses its reads (autoRead toggled, or
     *         a tiny pool that pauses an ix client's receive until its mbufs come back: Netty epoll's echo server
     *         then cut 2 of 100 streams in one CI run) or falls behind (a tiny ring, where an ix client submits two
     *         operations per {@code io_uring_enter}: 1 of 100 cut in another CI run).
     */
    boolean expectsWhole(Flow flow, Sizing sizing) {
        if (flow.endsWithoutWaiting()) {
            return false;
        }
        return flow != Flow.ECHO_HALF_CLOSE || !toggleAutoRead && !tinyPool() && !tinyRing() && sizing.keepsUp();
    }

    @Override
    public String toString() {
        return name;
    }
}
