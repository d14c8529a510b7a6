package dev.ix.bench.load;

import java.util.Arrays;

/**
 * The open-loop connections of one event loop that wait for their next request's intended send time, earliest
 * first: a binary min-heap on {@link Connection#dueAt}, so a timer tick finds what is due in O(log n) per request
 * instead of scanning every connection. Connections whose pipeline is full are not in it: a response wakes them.
 *
 * <p>Not thread-safe: used on its event loop only. Allocation-free once it has grown to the loop's connections.
 */
final class DueQueue {

    private Connection[] heap = new Connection[16];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    /** @return the earliest due time, ns, or {@link Long#MAX_VALUE} when empty */
    long earliest() {
        return size == 0 ? Long.MAX_VALUE : heap[0].dueAt;
    }

    /** Adds {@code c}, or moves it if its {@link Connection#dueAt} changed while queued. */
    void offer(Connection c) {
        if (c.queueIndex >= 0) {
            remove(c);
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        c.queueIndex = size;
        heap[size++] = c;
        up(c.queueIndex);
    }

    /** @return the earliest, removed, or {@code null} when empty */
    Connection poll() {
        if (size == 0) {
            return null;
        }
        Connection first = heap[0];
        remove(first);
        return first;
    }

    void remove(Connection c) {
        int i = c.queueIndex;
        if (i < 0) {
            return;
        }
        c.queueIndex = -1;
        Connection last = heap[--size];
        heap[size] = null;
        if (i < size) {
            heap[i] = last;
            last.queueIndex = i;
            down(i);
            up(last.queueIndex);
        }
    }

    private void up(int i) {
        Connection c = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Connection p = heap[parent];
            if (p.dueAt <= c.dueAt) {
                break;
            }
            heap[i] = p;
            p.queueIndex = i;
            i = parent;
        }
        heap[i] = c;
        c.queueIndex = i;
    }

    private void down(int i) {
        Connection c = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].dueAt < heap[child].dueAt) {
                child = right;
            }
            if (c.dueAt <= heap[child].dueAt) {
                break;
            }
            heap[i] = heap[child];
            heap[i].queueIndex = i;
            i = child;
        }
        heap[i] = c;
        c.queueIndex = i;
    }
}
