package dev.ix.bench.scale;

import io.netty.channel.ConnectTimeoutException;

import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Why one connection of a step could not be opened, with what to do about it. The client counts each kind and goes
 * on opening the others; {@link #classify(Throwable)} names the kind from the exception Netty or the JDK gave.
 */
enum ConnectError {
    /** {@code EADDRNOTAVAIL}: the source address has no ephemeral port left for this destination. */
    ADDRESS_NOT_AVAILABLE("EADDRNOTAVAIL", "a source address ran out of ephemeral ports: lower --per-address"
            + " (more source addresses) or widen net.ipv4.ip_local_port_range"),
    /** {@code EMFILE} or {@code ENFILE}: this process, or the machine, has no file descriptor left. */
    TOO_MANY_FILES("EMFILE/ENFILE", "out of file descriptors: raise ulimit -n (and fs.nr_open, fs.file-max); "
            + "benchmarks/connection-scale.sh does"),
    /** {@code ECONNREFUSED}: nothing listens, or the listen backlog overflowed and the kernel answered RST. */
    REFUSED("ECONNREFUSED", "nothing listens on the port, or the server's listen backlog overflowed: lower"
            + " --in-flight, check the server is alive (its log) and ss -ltn"),
    /** {@code ECONNRESET} or a close by the server before the first echo. */
    RESET("ECONNRESET", "the server closed or reset the connection before echoing: see its log"),
    /** The connection did not complete within the connect timeout. */
    CONNECT_TIMEOUT("connect timeout", "SYNs unanswered: the server's accept queue is full or it stopped"
            + " accepting (ss -ltn shows Recv-Q at the backlog); lower --in-flight or look at the server"),
    /** Connected, but the first byte was not echoed within the connect timeout. */
    NO_ECHO("no echo", "connected but not served: the server did not accept it from the backlog, or did not"
            + " read it; ss -ltn and the server's log say which"),
    /** {@code ENOBUFS} or {@code ENOMEM}: the kernel is short of memory for sockets. */
    NO_MEMORY("ENOBUFS/ENOMEM", "the kernel is short of socket memory: see dmesg, net.ipv4.tcp_mem, free -m"),
    /** Anything else; the first message of the step is kept. */
    OTHER("other", "see the first message");

    private final String label;
    private final String hint;

    ConnectError(String label, String hint) {
        this.label = label;
        this.hint = hint;
    }

    /** @return a short name, the errno where there is one, e.g. {@code EADDRNOTAVAIL} */
    String label() {
        return label;
    }

    /** @return what to do about it, one line */
    String hint() {
        return hint;
    }

    /**
     * Names the kind of a connection failure from its exception and causes: Netty's native exceptions carry the
     * C library's message ({@code connect(..) failed: Cannot assign requested address}), the JDK's the same texts.
     */
    static ConnectError classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectTimeoutException) {
                return CONNECT_TIMEOUT;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("cannot assign requested address")) {
                return ADDRESS_NOT_AVAILABLE;
            }
            if (message.contains("too many open files")) {
                return TOO_MANY_FILES;
            }
            if (message.contains("connection refused")) {
                return REFUSED;
            }
            if (message.contains("connection reset") || message.contains("broken pipe")) {
                return RESET;
            }
            if (message.contains("timed out")) {
                return CONNECT_TIMEOUT;
            }
            if (message.contains("no buffer space") || message.contains("cannot allocate memory")) {
                return NO_MEMORY;
            }
        }
        return failure instanceof ClosedChannelException ? RESET : OTHER;
    }
}
