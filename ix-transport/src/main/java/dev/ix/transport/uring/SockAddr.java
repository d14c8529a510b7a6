package dev.ix.transport.uring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.channels.UnresolvedAddressException;

/**
 * Encodes and decodes {@code struct sockaddr_in} / {@code sockaddr_in6}.
 *
 * <pre>
 * sockaddr_in  (16): 0 u16 family   2 u16 port (network order)  4 u8[4] addr   8 zero[8]
 * sockaddr_in6 (28): 0 u16 family   2 u16 port (network order)  4 u32 flowinfo 8 u8[16] addr  24 u32 scope_id
 * </pre>
 *
 * On an IPv6 socket IPv4 addresses are written as IPv4-mapped ({@code ::ffff:a.b.c.d}) and read back as
 * {@link Inet4Address}, so users see the address family they asked for.
 */
public final class SockAddr {
    /** Large enough for either form ({@code sizeof(struct sockaddr_storage)} is 128, we need 28). */
    public static final int MAX_SIZE = 128;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final byte[] V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private SockAddr() {
    }

    /**
     * Writes {@code address} into {@code dst}.
     *
     * @param ipv6Socket whether the socket is {@code AF_INET6} (then IPv4 addresses are mapped)
     * @return the number of bytes written, the {@code addrlen} to pass to the kernel
     */
    public static int encode(MemorySegment dst, InetSocketAddress address, boolean ipv6Socket) {
        if (address.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        InetAddress ip = address.getAddress();
        int port = address.getPort();
        dst.asSlice(0, 28).fill((byte) 0);
        if (!ipv6Socket) {
            if (!(ip instanceof Inet4Address)) {
                throw new IllegalArgumentException("IPv6 address " + address + " on an IPv4-only socket"
                        + " (IPv6 is disabled on this machine)");
            }
            dst.set(ValueLayout.JAVA_SHORT, 0, (short) LibC.AF_INET);
            dst.set(PORT, 2, (short) port);
            MemorySegment.copy(ip.getAddress(), 0, dst, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        dst.set(ValueLayout.JAVA_SHORT, 0, (short) LibC.AF_INET6);
        dst.set(PORT, 2, (short) port);
        if (ip instanceof Inet6Address v6) {
            MemorySegment.copy(v6.getAddress(), 0, dst, ValueLayout.JAVA_BYTE, 8, 16);
            dst.set(ValueLayout.JAVA_INT_UNALIGNED, 24, v6.getScopeId());
        } else {
            MemorySegment.copy(V4_MAPPED_PREFIX, 0, dst, ValueLayout.JAVA_BYTE, 8, 12);
            MemorySegment.copy(ip.getAddress(), 0, dst, ValueLayout.JAVA_BYTE, 20, 4);
        }
        return 28;
    }

    /** Reads a {@code sockaddr_in}/{@code sockaddr_in6}; returns null for other families. */
    public static InetSocketAddress decode(MemorySegment src, int length) {
        if (length < 2) {
            return null;
        }
        int family = src.get(ValueLayout.JAVA_SHORT, 0);
        int port = Short.toUnsignedInt(src.get(PORT, 2));
        try {
            if (family == LibC.AF_INET && length >= 8) {
                byte[] a = new byte[4];
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 4, a, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(a), port);
            }
            if (family == LibC.AF_INET6 && length >= 24) {
                byte[] a = new byte[16];
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 8, a, 0, 16);
                if (isV4Mapped(a)) {
                    byte[] v4 = {a[12], a[13], a[14], a[15]};
                    return new InetSocketAddress(InetAddress.getByAddress(v4), port);
                }
                int scope = length >= 28 ? src.get(ValueLayout.JAVA_INT_UNALIGNED, 24) : 0;
                return new InetSocketAddress(Inet6Address.getByAddress(null, a, scope), port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("kernel returned a malformed address", e);
        }
        return null;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 12; i++) {
            if (a[i] != V4_MAPPED_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }
}
