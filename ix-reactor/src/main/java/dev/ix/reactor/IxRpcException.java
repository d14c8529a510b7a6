package dev.ix.reactor;

/**
 * Why an {@link IxRpcPool#call} failed: {@link #reason()} says which of the ways it can fail it was, the message
 * says the rest (for {@link Reason#REMOTE}, the server's own message, also in {@link #remoteMessage()}).
 *
 * <p>Thrown without a stack trace of its own: it is made on a loop thread, where the trace would only show the loop;
 * the message names the connection and the call.
 */
public final class IxRpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The ways a call fails. */
    public enum Reason {
        /** The server answered with an error: its handler failed or answered nothing. */
        REMOTE,
        /** No response came before the call's deadline; a response arriving later is released. */
        DEADLINE,
        /** The connection failed to open, or closed before the response came. The server may have run the call. */
        CONNECTION,
        /**
         * The connection had {@code maxInFlight} calls in flight and {@code maxQueued} waiting: the call was refused
         * without being sent.
         */
        REJECTED,
        /** The pool was disposed before the call was sent. */
        DISPOSED
    }

    private final Reason reason;
    private final String remoteMessage;

    IxRpcException(Reason reason, String message, String remoteMessage, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
        this.remoteMessage = remoteMessage;
    }

    static IxRpcException remote(String remoteMessage) {
        return new IxRpcException(Reason.REMOTE, remoteMessage, remoteMessage, null);
    }

    static IxRpcException of(Reason reason, String message) {
        return new IxRpcException(reason, message, null, null);
    }

    static IxRpcException of(Reason reason, String message, Throwable cause) {
        return new IxRpcException(reason, message, null, cause);
    }

    /** @return why the call failed */
    public Reason reason() {
        return reason;
    }

    /** @return the server's error message for {@link Reason#REMOTE}, else null */
    public String remoteMessage() {
        return remoteMessage;
    }
}
