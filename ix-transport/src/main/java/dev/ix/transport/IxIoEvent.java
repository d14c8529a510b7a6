package dev.ix.transport;

import io.netty.channel.IoEvent;

/**
 * One io_uring completion as delivered to an {@link IxIoHandle}. The handler reuses a single instance per loop, so
 * it is valid only during the {@code handle} call that received it.
 */
public final class IxIoEvent implements IoEvent {
    private byte opcode;
    private int res;
    private int flags;
    private short data;

    IxIoEvent() {
    }

    void set(byte opcode, int res, int flags, short data) {
        this.opcode = opcode;
        this.res = res;
        this.flags = flags;
        this.data = data;
    }

    /** @return the opcode of the completed operation ({@code IORING_OP_*}) */
    public byte opcode() {
        return opcode;
    }

    /** @return the result: a byte count, an fd, 0, or {@code -errno} */
    public int res() {
        return res;
    }

    /** @return the CQE flags ({@code IORING_CQE_F_MORE}, buffer id in the upper 16 bits, ...) */
    public int flags() {
        return flags;
    }

    /** @return the 16 bits the submitter attached to the operation */
    public short data() {
        return data;
    }

    @Override
    public String toString() {
        return "IxIoEvent(opcode=" + opcode + ", res=" + res + ", flags=0x" + Integer.toHexString(flags) + ", data="
                + data + ')';
    }
}
