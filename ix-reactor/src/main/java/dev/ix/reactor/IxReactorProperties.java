package dev.ix.reactor;

import java.util.Locale;

/**
 * The system properties of ix-reactor: each a {@code *_PROP_NAME} / {@code *_DEFAULT} pair.
 */
public final class IxReactorProperties {
    /**
     * The transport {@link IxTransports#select()} picks, one of {@link IxTransports#NAMES}: {@code auto} (ix, else
     * Netty epoll, else NIO), or one by name, which is then required: {@value}.
     */
    public static final String TRANSPORT_PROP_NAME = "dev.ix.transport";
    /** Default of {@link #TRANSPORT_PROP_NAME}: {@value}. */
    public static final String TRANSPORT_DEFAULT = IxTransports.AUTO;

    private IxReactorProperties() {
    }

    /**
     * Reads {@value #TRANSPORT_PROP_NAME} now (not cached: a test or a launcher may set it late).
     *
     * @return the transport name, trimmed and in lower case; {@value #TRANSPORT_DEFAULT} when unset or blank
     * @throws IllegalArgumentException when it names no transport
     */
    public static String transport() {
        return transportOf(System.getProperty(TRANSPORT_PROP_NAME));
    }

    static String transportOf(String value) {
        if (value == null || value.isBlank()) {
            return TRANSPORT_DEFAULT;
        }
        String name = value.trim().toLowerCase(Locale.ROOT);
        if (!IxTransports.NAMES.contains(name)) {
            throw new IllegalArgumentException("-D" + TRANSPORT_PROP_NAME + "=" + value + " (expected: one of "
                    + String.join(", ", IxTransports.NAMES) + ")");
        }
        return name;
    }
}
