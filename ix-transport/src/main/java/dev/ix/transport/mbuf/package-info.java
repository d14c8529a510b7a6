/**
 * Receive buffers (mbufs) of the ix transport: per-loop pools of fixed-size slots in one huge-page arena, and the
 * read-only, reference-counted {@link io.netty.buffer.ByteBuf} views the application reads them through, without a
 * copy.
 *
 * <p>Main type: {@link dev.ix.transport.mbuf.MbufPool}. The kernel chooses which slot to fill (provided-buffer ring);
 * the pool turns a filled slot into a view ({@code received}) and, when the application releases the view on any
 * thread, hands the slot back to the loop's {@link dev.ix.transport.mbuf.SlotRecycler} on the loop thread. Netty's
 * leak detector watches the views under {@code io.netty.leakDetection.level}; a leaked view it tracked is reported
 * with where it was received and touched, and its slot comes back once the garbage collector has found it.
 */
package dev.ix.transport.mbuf;
