package dev.ix.transport.mbuf;

/**
 * Where the owner loop puts a slot that the application has released: in the transport it is the provided-buffer
 * ring, so the kernel can fill the slot again. Called only on the pool's owner thread.
 */
@FunctionalInterface
public interface SlotRecycler {
    /** Hands {@code slotId} back for reuse; it must not be touched by the pool again until received anew. */
    void recycle(int slotId);
}
