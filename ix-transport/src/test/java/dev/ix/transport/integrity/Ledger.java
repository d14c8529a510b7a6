package dev.ix.transport.integrity;

import io.netty.channel.Channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One run's shared book: the checked streams by id, every channel the run opened (both ends), and every exception
 * a checked pipeline saw. Handlers on any loop write to it; the test thread reads it at the end.
 */
final class Ledger {
    private final StreamRecord[] streams;
    private final Map<Channel, String> channels = new ConcurrentHashMap<>();
    private final Queue<String> exceptions = new ConcurrentLinkedQueue<>();

    Ledger(List<Flow.Header> headers) {
        streams = new StreamRecord[headers.size()];
        for (Flow.Header h : headers) {
            streams[h.id()] = new StreamRecord(h);
        }
    }

    List<StreamRecord> streams() {
        return List.of(streams);
    }

    /** @return the record of stream {@code id}; an unknown id is a broken header */
    StreamRecord stream(int id) {
        if (id < 0 || id >= streams.length) {
            throw new IllegalArgumentException("stream id: " + id + " (expected: 0.." + (streams.length - 1) + ")");
        }
        return streams[id];
    }

    /** Remembers a channel so the end of the run can check it closed; {@code what} names it in a failure. */
    void opened(Channel channel, String what) {
        channels.put(channel, what);
    }

    /** A checked pipeline saw {@code cause}: the run fails. */
    void exception(String where, Throwable cause) {
        exceptions.add(where + ": " + cause);
    }

    List<String> exceptions() {
        return new ArrayList<>(exceptions);
    }

    /**
     * Waits (as a hang guard only) for every remembered channel to close.
     *
     * @return the channels still open when the wait ran out, each with its name and state
     */
    List<String> awaitAllClosed(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<String> open = new ArrayList<>();
        for (Map.Entry<Channel, String> e : channels.entrySet()) {
            Channel c = e.getKey();
            long left = deadline - System.nanoTime();
            if (!c.closeFuture().await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                open.add(e.getValue() + " " + c + " (" + c.getClass().getSimpleName() + ", active " + c.isActive()
                        + ", autoRead " + c.config().isAutoRead() + ", writable " + c.isWritable() + ")");
            }
        }
        return open;
    }

    int channelCount() {
        return channels.size();
    }
}
