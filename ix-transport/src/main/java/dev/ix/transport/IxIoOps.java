package dev.ix.transport;

import io.netty.channel.IoOps;

/**
 * One io_uring operation to submit through {@link io.netty.channel.IoRegistration#submit(IoOps)} of a registration
 * with an {@link IxIoHandler}: the fields of an SQE, named as in {@code struct io_uring_sqe}. Its completion comes
 * back as an {@link IxIoEvent} carrying the same {@code opcode} and {@code data}. Addresses are native addresses
 * that must stay valid until the completion arrives.
 */
public record IxIoOps(byte opcode, byte flags, short ioprio, int fd, long off, long addr, int len, int opFlags,
                      short data, short bufGroup) implements IoOps {
}
