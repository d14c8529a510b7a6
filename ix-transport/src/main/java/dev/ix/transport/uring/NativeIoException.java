package dev.ix.transport.uring;

import java.io.IOException;

/**
 * A system call failed. Carries the call's name and the positive {@code errno} so callers can react to specific
 * errors ({@link Errno#EAGAIN}, {@link Errno#ECONNRESET}, ...) without parsing messages.
 *
 * <p>Message form: {@code "io_uring_setup(entries=4096) failed with error(12) ENOMEM: Cannot allocate memory"}.
 */
public class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String call;

    /**
     * @param call  the system call and, where useful, its arguments, e.g. {@code "bind(127.0.0.1:8080)"}
     * @param errno the positive errno value
     */
    public NativeIoException(String call, int errno) {
        super(call + " failed with error(" + errno + ") " + Errno.name(errno) + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    /** @return the positive errno value of the failed call */
    public int errno() {
        return errno;
    }

    /** @return the name (and arguments) of the call that failed */
    public String call() {
        return call;
    }
}
