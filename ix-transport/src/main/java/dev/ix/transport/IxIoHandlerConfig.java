package dev.ix.transport;

/**
 * Settings of one {@link IxIoHandler} (one event loop). Immutable; each {@code with*} returns a validated copy.
 * Defaults come from {@link IxTransportProperties}.
 */
public final class IxIoHandlerConfig {
    private final int batchLimit;
    private final int ringEntries;
    private final int cqEntries;
    private final int mbufSize;
    private final int mbufCount;

    private IxIoHandlerConfig(int batchLimit, int ringEntries, int cqEntries, int mbufSize, int mbufCount) {
        this.batchLimit = checkRange("batchLimit", batchLimit, 1, 4096);
        this.ringEntries = checkPowerOfTwo("ringEntries", ringEntries, 2, 32768);
        this.cqEntries = checkPowerOfTwo("cqEntries", cqEntries, ringEntries, 65536);
        this.mbufSize = checkPowerOfTwo("mbufSize", mbufSize, 256, 65536);
        this.mbufCount = checkPowerOfTwo("mbufCount", mbufCount, 1, 32768);
    }

    /** @return the defaults, from system properties where set */
    public static IxIoHandlerConfig defaults() {
        return new IxIoHandlerConfig(IxTransportProperties.batchLimit(), IxTransportProperties.ringEntries(),
                IxTransportProperties.cqEntries(), IxTransportProperties.mbufSize(), IxTransportProperties.mbufCount());
    }

    private static int checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return value;
    }

    private static int checkPowerOfTwo(String name, int value, int min, int max) {
        if (value < min || value > max || Integer.bitCount(value) != 1) {
            throw new IllegalArgumentException(
                    name + ": " + value + " (expected: a power of two in " + min + ".." + max + ")");
        }
        return value;
    }

    /** @param batchLimit completions handled per loop turn at most, 1..4096 */
    public IxIoHandlerConfig withBatchLimit(int batchLimit) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount);
    }

    /** @param ringEntries submission queue entries, a power of two in 2..32768 */
    public IxIoHandlerConfig withRingEntries(int ringEntries) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, Math.max(cqEntries, ringEntries), mbufSize, mbufCount);
    }

    /** @param cqEntries completion queue entries, a power of two, at least the SQ size, at most 65536 */
    public IxIoHandlerConfig withCqEntries(int cqEntries) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount);
    }

    /** @param mbufSize bytes per receive mbuf, a power of two in 256..65536 */
    public IxIoHandlerConfig withMbufSize(int mbufSize) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount);
    }

    /** @param mbufCount receive mbufs per loop, a power of two in 1..32768 */
    public IxIoHandlerConfig withMbufCount(int mbufCount) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount);
    }

    public int batchLimit() {
        return batchLimit;
    }

    public int ringEntries() {
        return ringEntries;
    }

    public int cqEntries() {
        return cqEntries;
    }

    public int mbufSize() {
        return mbufSize;
    }

    public int mbufCount() {
        return mbufCount;
    }

    @Override
    public String toString() {
        return "IxIoHandlerConfig(batchLimit=" + batchLimit + ", ringEntries=" + ringEntries + ", cqEntries="
                + cqEntries + ", mbufSize=" + mbufSize + ", mbufCount=" + mbufCount + ')';
    }
}
