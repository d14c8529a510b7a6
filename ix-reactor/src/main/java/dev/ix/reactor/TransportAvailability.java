package dev.ix.reactor;

import dev.ix.transport.IxTransport;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;

import java.util.function.Supplier;

/**
 * Why each transport {@link IxTransports} can pick cannot run here ({@code null}: it can). A seam, so that tests
 * can take the fallback path on a machine where ix runs.
 */
interface TransportAvailability {

    /**
     * The machine's answers. A transport whose classes are missing (Netty's io_uring is optional) is unavailable
     * with the linkage error; the probes are lambdas, not method references, so that the error is thrown inside
     * {@link #unavailabilityOf}.
     */
    TransportAvailability LIVE = new TransportAvailability() {
        @Override
        public Throwable ix() {
            return unavailabilityOf(() -> IxTransport.unavailabilityCause());
        }

        @Override
        public Throwable epoll() {
            return unavailabilityOf(() -> Epoll.unavailabilityCause());
        }

        @Override
        public Throwable ioUring() {
            return unavailabilityOf(() -> IoUring.unavailabilityCause());
        }
    };

    Throwable ix();

    Throwable epoll();

    Throwable ioUring();

    private static Throwable unavailabilityOf(Supplier<Throwable> cause) {
        try {
            return cause.get();
        } catch (LinkageError e) {
            return e;
        }
    }
}
