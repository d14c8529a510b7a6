package dev.ix.transport.integrity;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;

import java.util.function.LongConsumer;

/**
 * Sends one {@link StreamSource} on a channel as an application would: writes chunks while the channel is writable,
 * flushes once per burst, goes on when it becomes writable again, and ends the stream as its {@link Flow.Ending}
 * says. Reports the bytes of writes whose promise succeeded: contract (b) says those reached the kernel, so the
 * peer must get at least them. Event loop only.
 *
 * <p>An ending that does not wait (close or shutdownOutput right after the last flush) gives up what the transport
 * has not handed to the kernel yet — on Netty epoll too, whose flush writes what the socket takes and whose close
 * fails the rest: those streams are checked for a clean prefix that holds every acknowledged write.
 */
final class StreamWriter {
    private final StreamSource source;
    private final Flow.Ending ending;
    private final StreamRecord record;
    private final LongConsumer acked;
    private boolean ended;

    /**
     * @param record the stream's record: told the sent stream's digest at the end
     * @param acked  told the size of every write whose promise succeeded
     */
    StreamWriter(StreamSource source, Flow.Ending ending, StreamRecord record, LongConsumer acked) {
        this.source = source;
        this.ending = ending;
        this.record = record;
        this.acked = acked;
    }

    /** Writes as much as the channel takes now; call again from {@code channelWritabilityChanged}. */
    void pump(ChannelHandlerContext ctx) {
        if (ended || !ctx.channel().isActive()) {
            return;
        }
        boolean wrote = false;
        while (source.hasNext() && ctx.channel().isWritable()) {
            ByteBuf chunk = source.next(ctx.alloc());
            if (!source.hasNext()) {
                end(ctx, chunk);
                return;
            }
            ctx.write(chunk, counted(ctx, chunk.readableBytes()));
            wrote = true;
        }
        if (!source.hasNext()) {
            end(ctx, null); // an empty stream
        } else if (wrote) {
            ctx.flush();
        }
    }

    /** Writes {@code last} (null for an empty stream) with a flush, then ends the stream. */
    private void end(ChannelHandlerContext ctx, ByteBuf last) {
        ended = true;
        record.sent(source.digest());
        ChannelPromise promise = last == null ? ctx.newPromise().setSuccess()
                : counted(ctx, last.readableBytes());
        if (last != null) {
            ctx.writeAndFlush(last, promise);
        } else {
            ctx.flush(); // what came before the stream (a client's header)
        }
        switch (ending) {
            case CLOSE_NOW -> ctx.close();
            case CLOSE_LISTENER -> promise.addListener(ChannelFutureListener.CLOSE);
            case SHUTDOWN_OUTPUT_NOW -> ((DuplexChannel) ctx.channel()).shutdownOutput();
            case HALF_CLOSE_AFTER_LAST_WRITE -> promise.addListener(f -> {
                if (f.isSuccess()) {
                    ((DuplexChannel) ctx.channel()).shutdownOutput();
                } else {
                    ctx.close(); // the stream is broken; the check reports it, the run must not wait for an echo
                }
            });
        }
    }

    /** A promise that adds {@code bytes} to the record's acknowledged count when the write succeeds. */
    private ChannelPromise counted(ChannelHandlerContext ctx, int bytes) {
        ChannelPromise promise = ctx.newPromise();
        promise.addListener(f -> {
            if (f.isSuccess()) {
                acked.accept(bytes);
            }
        });
        return promise;
    }
}
