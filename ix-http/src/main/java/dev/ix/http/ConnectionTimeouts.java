package dev.ix.http;

import dev.ix.transport.IxLoop;
import dev.ix.transport.IxTimer;
import dev.ix.transport.IxTimerWheel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The timeouts of one connection ({@link HttpTimeouts}) on one timer of its loop's {@link IxTimerWheel}, and its
 * request count. The connection reports what happens through the hooks below; this class keeps when each running
 * timeout started and arms its one timer at the earliest deadline.
 *
 * <p>Up to three timeouts run at once, each measured from its own start:
 * <pre>
 *   read side (one of)  IDLE  no request in flight, nothing of the next one   idleNanos from the last request's end
 *                       HEAD  bytes of a head, not the whole head            headerReadNanos from its first byte
 *                       BODY  a head arrived, its body is not complete       bodyReadNanos from the last body read,
 *                                                                            not while the server stops reading it
 *                       NONE  the server's turn (requests in flight), or the parser failed
 *   handler             the first queued request's handler is running       requestNanos, paused while stalled
 *                                                                            or while the client sends a body
 *   send                not writable (stalled), or closing with bytes       sendNanos without write progress
 * </pre>
 * Once a closing connection has written its last bytes and shut its output down, it <b>lingers</b>, and only the
 * lingering bounds run: {@code lingeringTimeNanos} from the output's shutdown, {@code lingeringTimeoutNanos} from the
 * last read (or the shutdown); the first to expire closes the connection.
 * <b>No allocation per request:</b> one timer per connection, moved rather than recreated. The timer is moved only
 * when a deadline comes earlier than the one it is armed for; a deadline pushed later (a request ending, body bytes
 * arriving) only updates a field, and the timer, firing early, finds nothing due and re-arms for the earliest
 * deadline left. Under steady traffic a connection's timer thus fires about once per shortest timeout, not per
 * request. Each hook reads the clock at most once.
 *
 * <p><b>Send progress</b> is checked when the send timeout expires, as Netty's {@code IdleStateHandler} observes
 * output: the outbound buffer's current message, its progress and the pending bytes; if any moved since the last
 * look, the timeout starts again from now. A connection is thus closed after between one and two send timeouts
 * without a byte taken by the peer.
 *
 * <p>Loop thread only; needs an ix loop (its wheel): {@code IxHttpServer} serves on ix loops only.
 */
final class ConnectionTimeouts extends IxTimer {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(ConnectionTimeouts.class);

    /** What the connection waits for from its client. */
    private enum Read { NONE, IDLE, HEAD, BODY }

    private final HttpTimeouts config;
    private final HttpServerHandler connection;
    private final RequestParser parser;
    private Channel channel;
    private IxTimerWheel wheel;

    private Read read = Read.NONE;
    private long readSince;
    private boolean handlerRunning;
    /** When the handler started, moved later by the time its timeout was paused. */
    private long handlerSince;
    /**
     * The handler's timeout pauses while the peer holds the exchange up: while the connection is not writable (the
     * send timeout runs) and while the client sends a body (the body timeout runs, and a handler cannot end before
     * the body it reads). Not while the server holds the body back for a slow consumer: the handler is late then.
     */
    private boolean handlerPaused;
    private long pausedSince;
    /** Not writable: the send timeout runs. */
    private boolean stalled;
    /** The server stopped reading a streamed body its consumer is behind on: the body timeout waits. */
    private boolean bodyHeld;
    /** Closing: only the send timeout runs, bounding the wait for the last bytes to leave. */
    private boolean closing;
    /** The output is shut down and input is dropped: only the lingering bounds run. */
    private boolean lingering;
    private long lingerSince;
    private long lingerReadSince;
    /** Closed: every hook is a no-op, the timer stays cancelled. */
    private boolean closed;
    private long sendSince;
    private int sentCurrent;
    private long sentProgress;
    private long sentPending;
    private int requests;

    ConnectionTimeouts(HttpTimeouts config, HttpServerHandler connection, RequestParser parser) {
        this.config = config;
        this.connection = connection;
        this.parser = parser;
    }

    /**
     * The connection is set up: the idle timeout runs until its first request.
     *
     * @throws IllegalStateException when not on an ix loop
     */
    void opened(Channel channel) {
        this.channel = channel;
        this.wheel = IxLoop.current().orElseThrow(() -> new IllegalStateException("ix-http runs on ix loops only "
                        + "(their timer wheels keep its timeouts); " + Thread.currentThread().getName()
                        + " is not one"))
                .timerWheel();
        read = Read.IDLE;
        readSince = System.nanoTime();
        arm(readSince);
    }

    /**
     * A request's head is complete.
     *
     * @return whether the request is the last one the connection may carry: its response closes it
     */
    boolean headReceived() {
        readNone(); // the next head's timeout starts at its own first byte
        int max = config.maxRequestsPerConnection();
        return max > 0 && ++requests >= max;
    }

    /** The parser read what it was given: the read-side timeout follows its state. */
    void parsed() {
        if (closing || closed) {
            return;
        }
        if (parser.inHead()) {
            if (read != Read.HEAD) {
                startRead(Read.HEAD); // measured from the first byte, never pushed back by later ones
            }
        } else if (parser.inBody()) {
            startRead(Read.BODY); // progress: a head or body bytes arrived
        } else if (parser.betweenRequests() && connection.idle()) {
            if (read != Read.IDLE) {
                startRead(Read.IDLE);
            }
        } else {
            readNone();
        }
    }

    /** {@code 100 Continue} was sent: the client starts sending the body only now. */
    void continueSent() {
        if (read == Read.BODY) {
            readSince = System.nanoTime();
        }
    }

    /**
     * A streamed body's consumer fell behind and the server stopped reading ({@code true}), or it caught up and
     * reading resumes: the body timeout waits meanwhile and starts afresh after, the handler's runs.
     */
    void bodyHeld(boolean held) {
        if (closed || held == bodyHeld) {
            return;
        }
        bodyHeld = held;
        long now = System.nanoTime();
        if (!held && read == Read.BODY) {
            readSince = now;
        }
        pauseHandler(now);
        arm(now);
    }

    /** The first queued request's handler starts. */
    void exchangeStarted() {
        if (closing || closed) {
            return;
        }
        handlerRunning = true;
        handlerSince = System.nanoTime();
        arm(handlerSince);
    }

    /** The first queued request's exchange ended; the connection is idle if nothing else is in flight. */
    void exchangeEnded() {
        handlerRunning = false;
        if (!closing && !closed && read == Read.NONE && parser.betweenRequests() && connection.idle()) {
            startRead(Read.IDLE);
        }
    }

    /** The channel's writability changed. */
    void writabilityChanged() {
        if (closed) {
            return;
        }
        boolean writable = channel.isWritable();
        if (writable == !stalled) {
            return;
        }
        long now = System.nanoTime();
        stalled = !writable;
        if (stalled) {
            startSend(now);
        }
        pauseHandler(now);
        arm(now);
    }

    /** The connection closes once its last bytes are written: only the send timeout runs until then. */
    void closing() {
        if (closing || closed) {
            return;
        }
        closing = true;
        readNone();
        handlerRunning = false;
        long now = System.nanoTime();
        startSend(now);
        arm(now);
    }

    /** @return whether a closing connection lingers ({@link HttpTimeouts#lingers()}) */
    boolean lingers() {
        return config.lingers();
    }

    /** The closing connection's last bytes are written and its output shut down: the lingering bounds start. */
    void lingering() {
        if (closed || lingering) {
            return;
        }
        lingering = true;
        lingerSince = System.nanoTime();
        lingerReadSince = lingerSince;
        arm(lingerSince);
    }

    /**
     * Input was read and dropped while lingering: the wait for more starts again. Only a field is written: the timer,
     * armed for an earlier deadline, finds nothing due then and re-arms.
     */
    void lingerRead() {
        if (lingering) {
            lingerReadSince = System.nanoTime();
        }
    }

    /** The connection closed: the timer is cancelled and never armed again. */
    void closed() {
        closed = true;
        cancel();
    }

    private void startRead(Read r) {
        long now = System.nanoTime();
        setRead(r, now);
        arm(now);
    }

    /** No read-side timeout runs; reads the clock only when a body stops arriving. */
    private void readNone() {
        if (read == Read.BODY) {
            setRead(Read.NONE, System.nanoTime());
        } else {
            read = Read.NONE;
        }
    }

    private void setRead(Read r, long now) {
        boolean body = read == Read.BODY;
        read = r;
        readSince = now;
        if (body != (r == Read.BODY)) {
            pauseHandler(now);
        }
    }

    /** Pauses or resumes the handler's timeout when the peer starts or stops holding the exchange up. */
    private void pauseHandler(long now) {
        boolean pause = stalled || (read == Read.BODY && !bodyHeld);
        if (pause == handlerPaused) {
            return;
        }
        handlerPaused = pause;
        if (pause) {
            pausedSince = now;
        } else if (handlerRunning) {
            handlerSince += now - Math.max(pausedSince, handlerSince);
        }
    }

    private boolean handlerTimeoutRuns() {
        return handlerRunning && !handlerPaused && config.requestNanos() > 0;
    }

    private void startSend(long now) {
        sendSince = now;
        markSendProgress();
    }

    @Override
    protected void expired(long nowNanos) {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (lingering) {
            if (now - lingerSince >= config.lingeringTimeNanos()
                    || now - lingerReadSince >= config.lingeringTimeoutNanos()) {
                logger.debug("{}: lingered {} ms; closing", channel, (now - lingerSince) / 1_000_000);
                channel.close();
            } else {
                arm(now);
            }
            return;
        }
        if (sendRunning() && now - sendSince >= config.sendNanos()) {
            if (markSendProgress()) {
                sendSince = now;
            } else {
                logger.debug("{}: no write progress for {} ms; closing", channel, config.sendNanos() / 1_000_000);
                channel.close(); // not closeNow(): its flush would wait behind the bytes the peer does not take
                return;
            }
        }
        if (handlerTimeoutRuns() && now - handlerSince >= config.requestNanos()) {
            handlerRunning = false;
            logger.debug("{}: request handler still running after {} ms; cutting it", channel,
                    config.requestNanos() / 1_000_000);
            connection.requestTimedOut();
        }
        if (!closing && !closed) {
            long timeout = readTimeout();
            if (timeout > 0 && now - readSince >= timeout) {
                Read r = read;
                setRead(Read.NONE, now);
                switch (r) {
                    case IDLE -> connection.closeQuietly();
                    case HEAD -> parser.fail(408, "request head incomplete after " + timeout / 1_000_000 + " ms");
                    case BODY -> parser.fail(408, "no request body bytes for " + timeout / 1_000_000 + " ms");
                    default -> {
                    }
                }
            }
        }
        if (!closed) {
            arm(now);
        }
    }

    /** Arms the timer for the earliest running deadline if it is not armed for that one or an earlier one. */
    private void arm(long now) {
        long delay = Long.MAX_VALUE;
        if (lingering) {
            delay = Math.min(lingerSince + config.lingeringTimeNanos(),
                    lingerReadSince + config.lingeringTimeoutNanos()) - now;
        }
        if (sendRunning()) {
            delay = sendSince + config.sendNanos() - now;
        }
        if (!closing) {
            if (handlerTimeoutRuns()) {
                delay = Math.min(delay, handlerSince + config.requestNanos() - now);
            }
            long timeout = readTimeout();
            if (timeout > 0) {
                delay = Math.min(delay, readSince + timeout - now);
            }
        }
        if (delay == Long.MAX_VALUE) {
            return; // nothing runs: a timer armed earlier fires, finds nothing due and stays off
        }
        if (!isScheduled() || deadlineNanos() - (now + delay) > 0) {
            wheel.schedule(this, delay, now);
        }
    }

    private boolean sendRunning() {
        return (stalled || closing) && !lingering && config.sendNanos() > 0;
    }

    /** @return the running read-side timeout in nanoseconds, 0 when none runs */
    private long readTimeout() {
        return switch (read) {
            case IDLE -> config.idleNanos();
            case HEAD -> config.headerReadNanos();
            case BODY -> bodyHeld ? 0 : config.bodyReadNanos();
            case NONE -> 0;
        };
    }

    /** @return whether the outbound buffer moved since the last mark, which is updated */
    private boolean markSendProgress() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        if (out == null) {
            return false;
        }
        int current = System.identityHashCode(out.current());
        long progress = out.currentProgress();
        long pending = out.totalPendingWriteBytes();
        boolean moved = current != sentCurrent || progress != sentProgress || pending != sentPending;
        sentCurrent = current;
        sentProgress = progress;
        sentPending = pending;
        return moved;
    }
}
