package dev.ix.reactor;

import dev.ix.transport.IxTransport;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;

/**
 * Why each transport {@link IxTransports} can pick cannot run here ({@code null}: it can). A seam, so that tests
 * can take the fallback path on a machine where ix runs.
 */
interface TransportAvailability {

    /** The machine's answers; a transport whose classes are missing is unavailable with the linkage error. */
    TransportAvailability LIVE = new TransportAvailability() {
        @Override
        public Throwable ix() {
            try {
                return IxTransport.unavailabilityCause();
            } catch (LinkageError e) {
                return e;
            }
        }

        @Override
        public Throwable epoll() {
            try {
                return Epoll.unavailabilityCause();
            } catch (LinkageError e) {
                return e;
            }
        }

        @Override
        public Throwable ioUring() {
            try {
                return IoUring.unavailabilityCause();
            } catch (LinkageError e) {
                return e;
            }
        }
    };

    Throwable ix();

    Throwable epoll();

    Throwable ioUring();
}
