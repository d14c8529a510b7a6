package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * An incremental parser of RPC response frames ({@link RpcWire}) for one connection that allocates nothing: it reads
 * each 13-byte header (in one go when it is whole in the buffer, else byte by byte across buffers) and skips the
 * payload in bulk. Input may end anywhere, and one buffer may hold many frames.
 *
 * <p>Each frame is checked: its length in {@code 9..}{@link RpcWire#MAX_FRAME_LENGTH}, its kind a response or an
 * error response, and its id the one of the oldest request in flight. The generator numbers requests by pipeline slot
 * ({@link RpcRequestBlock}) and matches responses to requests oldest first, as for HTTP, so it needs the server to
 * answer a connection's calls in order; every echo server does. A frame that fails a check fails the stream: the
 * connection is closed and counted as a read error. A response reports as status 200 and an error response as 500 to
 * the {@link ResponseDecoder.Listener}, which counts the latter as an error.
 *
 * <p>Not thread-safe: one instance per connection, used on its event loop only.
 */
final class RpcResponseParser implements ResponseDecoder {

    /** What a response frame reports as: a success. */
    static final int RESPONSE_STATUS = 200;
    /** What an error response frame reports as: an error (not 2xx or 3xx). */
    static final int ERROR_STATUS = 500;

    private final int ids;

    private int headerBytes;
    private int length;
    private long id;
    private byte kind;
    /** Payload bytes of the current frame still to skip. */
    private int remaining;
    /** The id the next response must carry: the oldest request's slot. */
    private long expectedId;
    private String error;

    /** @param ids the distinct request ids in use, {@code 0..ids-1} in turn (the pipeline depth) */
    RpcResponseParser(int ids) {
        if (ids < 1) {
            throw new IllegalArgumentException("ids: " + ids + " (expected: >= 1)");
        }
        this.ids = ids;
    }

    @Override
    public boolean feed(ByteBuf in, Listener listener) {
        if (error != null) {
            return false;
        }
        int i = in.readerIndex();
        int end = in.writerIndex();
        while (i < end) {
            if (remaining > 0) {
                int n = Math.min(remaining, end - i);
                i += n;
                remaining -= n;
                if (remaining == 0) {
                    complete(listener);
                }
                continue;
            }
            if (headerBytes == 0 && end - i >= RpcWire.HEADER_BYTES) {
                length = in.getInt(i);
                id = in.getLong(i + RpcWire.LENGTH_BYTES);
                kind = in.getByte(i + RpcWire.HEADER_BYTES - 1);
                headerBytes = RpcWire.HEADER_BYTES;
                i += RpcWire.HEADER_BYTES;
            } else {
                headerByte(in.getByte(i++));
            }
            if (headerBytes == RpcWire.HEADER_BYTES && !headerDone(listener)) {
                return false;
            }
        }
        return true;
    }

    /** One byte of a header split across buffers. */
    private void headerByte(byte b) {
        if (headerBytes < RpcWire.LENGTH_BYTES) {
            length = length << 8 | b & 0xff;
        } else if (headerBytes < RpcWire.HEADER_BYTES - 1) {
            id = id << 8 | b & 0xff;
        } else {
            kind = b;
        }
        headerBytes++;
    }

    private boolean headerDone(Listener listener) {
        if (length < RpcWire.ID_AND_KIND_BYTES || length > RpcWire.MAX_FRAME_LENGTH) {
            return fail("frame length " + Integer.toUnsignedString(length) + " (expected: "
                    + RpcWire.ID_AND_KIND_BYTES + ".." + RpcWire.MAX_FRAME_LENGTH + ")");
        }
        if (kind != RpcWire.RESPONSE && kind != RpcWire.ERROR) {
            return fail("frame kind " + kind + " (expected: " + RpcWire.RESPONSE + " response or " + RpcWire.ERROR
                    + " error)");
        }
        if (id != expectedId) {
            return fail("response id " + Long.toUnsignedString(id) + " (expected: " + expectedId + ", the oldest"
                    + " request in flight; responses must come in request order)");
        }
        remaining = length - RpcWire.ID_AND_KIND_BYTES;
        headerBytes = 0;
        length = 0;
        id = 0;
        if (remaining == 0) {
            complete(listener);
        }
        return true;
    }

    private void complete(Listener listener) {
        expectedId = expectedId + 1 == ids ? 0 : expectedId + 1;
        listener.response(kind == RpcWire.RESPONSE ? RESPONSE_STATUS : ERROR_STATUS, true);
    }

    private boolean fail(String why) {
        error = why;
        return false;
    }

    @Override
    public boolean endOfInput(Listener listener) {
        return error == null && headerBytes == 0 && remaining == 0;
    }

    @Override
    public String error() {
        return error;
    }

    @Override
    public void reset() {
        headerBytes = 0;
        length = 0;
        id = 0;
        kind = 0;
        remaining = 0;
        expectedId = 0;
        error = null;
    }
}
