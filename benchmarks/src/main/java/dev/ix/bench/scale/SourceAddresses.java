package dev.ix.bench.scale;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The loopback addresses the client binds its connections to before connecting. One source address can hold only
 * as many connections to the server's address and port as it has ephemeral ports
 * ({@code net.ipv4.ip_local_port_range}, about 28 000 by default), so 100 000 connections need several. Linux
 * answers on all of 127.0.0.0/8 without configuration; the plan uses 127.0.0.2, 127.0.0.3, … and gives connection
 * {@code i} the address {@code i mod count}, so every address holds at most {@link #perAddress()} of them.
 *
 * @param count      how many source addresses, from 127.0.0.2 on
 * @param perAddress the most connections one address holds
 */
record SourceAddresses(int count, int perAddress) {

    /** 127.0.0.2 as a number: 127.0.0.1 is the server's. */
    static final int FIRST = 0x7F00_0002;
    /** 127.255.255.254, the last usable address of 127.0.0.0/8. */
    static final int LAST = 0x7FFF_FFFE;
    /**
     * The share of the ephemeral port range one address uses by default. The kernel's search for a free port slows
     * as the range fills: 18 000 connections from one address (64 % of the default range) opened at 5 700/s, from
     * four addresses (18 % each) at 9 400/s to 17 000/s, the server then being the limit.
     */
    static final double DEFAULT_PORT_SHARE = 0.25;

    SourceAddresses {
        if (count < 1 || count > LAST - FIRST + 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1.." + (LAST - FIRST + 1) + ")");
        }
        if (perAddress < 1) {
            throw new IllegalArgumentException("perAddress: " + perAddress + " (expected: >= 1)");
        }
    }

    /**
     * @param connections how many connections the client holds at most at once
     * @param perAddress  how many of them one address may hold
     * @return the fewest addresses that hold them
     */
    static SourceAddresses plan(int connections, int perAddress) {
        if (connections < 0) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: >= 0)");
        }
        if (perAddress < 1) {
            throw new IllegalArgumentException("perAddress: " + perAddress + " (expected: >= 1)");
        }
        long count = Math.max(1, ((long) connections + perAddress - 1) / perAddress);
        if (count > LAST - FIRST + 1) {
            throw new IllegalArgumentException(connections + " connections at " + perAddress
                    + " per address need " + count + " addresses; 127.0.0.0/8 has " + (LAST - FIRST + 1));
        }
        return new SourceAddresses((int) count, perAddress);
    }

    /**
     * How many connections one source address should hold by default.
     *
     * @param portRange the content of {@code /proc/sys/net/ipv4/ip_local_port_range}, e.g. {@code "32768\t60999"}
     * @return {@link #DEFAULT_PORT_SHARE} of the ports in that range, at least 1
     * @throws IllegalArgumentException if the text is not two port numbers, low first
     */
    static int defaultPerAddress(String portRange) {
        String[] parts = portRange.strip().split("\\s+");
        try {
            if (parts.length == 2) {
                int low = Integer.parseInt(parts[0]);
                int high = Integer.parseInt(parts[1]);
                if (low >= 1 && low <= high && high <= 65535) {
                    return Math.max(1, (int) ((high - low + 1) * DEFAULT_PORT_SHARE));
                }
            }
        } catch (NumberFormatException ignored) {
            // the message below says what was expected
        }
        throw new IllegalArgumentException("ip_local_port_range: " + portRange.strip()
                + " (expected: two port numbers, low then high)");
    }

    /** @return the source address of connection {@code index} (0-based, counted over the client's whole life) */
    InetAddress forIndex(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index: " + index + " (expected: >= 0)");
        }
        return address(FIRST + (int) (index % count));
    }

    /** @return e.g. {@code 127.0.0.2-127.0.0.16 (15 addresses, <= 7058 connections each)} */
    String describe() {
        String first = address(FIRST).getHostAddress();
        String range = count == 1 ? first : first + "-" + address(FIRST + count - 1).getHostAddress();
        return range + " (" + count + (count == 1 ? " address" : " addresses") + ", <= " + perAddress
                + " connections each)";
    }

    private static InetAddress address(int value) {
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
