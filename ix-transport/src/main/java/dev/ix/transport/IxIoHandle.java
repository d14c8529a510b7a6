package dev.ix.transport;

import io.netty.channel.IoHandle;

/**
 * An {@link IoHandle} that can be registered with an {@link IxIoHandler}. Its
 * {@link #handle(io.netty.channel.IoRegistration, io.netty.channel.IoEvent)} receives an {@link IxIoEvent} for each
 * completion of an operation it submitted, on the loop thread. The event object is reused: copy what you need.
 */
public interface IxIoHandle extends IoHandle {
    /** @return true for a connection (counted in the loop's connection metrics), false for a listener or other */
    default boolean isConnection() {
        return false;
    }

    /**
     * The last completion of the loop's batch has been handled; called once per batch for a handle that asked with
     * {@link IxIoHandler#atBatchEnd}. Where a channel fires {@code channelReadComplete}, so that handlers flush once
     * per batch.
     */
    default void batchEnd() {
    }
}
