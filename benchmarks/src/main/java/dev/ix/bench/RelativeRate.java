package dev.ix.bench;

import java.math.BigDecimal;

/**
 * An offered rate given as a share of one peer's saturation, {@code PERCENT%:PEER} on the command line (e.g.
 * {@code --rate 50%:ix-http}): every peer then runs open loop at that share of the named peer's median closed-loop
 * requests/s, measured in the same invocation at the same connections and the first pipeline depth. A load the
 * named peer handles with room to spare is where its tail latency and its garbage collections show, not its
 * throughput.
 *
 * @param percent share of the saturation, in percent, {@code > 0}
 * @param peer    the peer whose saturation it is a share of
 */
record RelativeRate(double percent, String peer) {

    /**
     * @return whether {@code value}, one item of {@code --rate}, is a relative rate (has a {@code %}), to be read by
     *         {@link #parse(String)}
     */
    static boolean isRelative(String value) {
        return value.indexOf('%') >= 0;
    }

    /**
     * @param value {@code PERCENT%:PEER}, e.g. {@code 50%:ix-http} or {@code 12.5%:netty-epoll}
     * @throws IllegalArgumentException if it is not in that form or the percentage is not {@code > 0}
     */
    static RelativeRate parse(String value) {
        int percentSign = value.indexOf('%');
        String peer = value.startsWith(":", percentSign + 1) ? value.substring(percentSign + 2).strip() : "";
        double percent;
        try {
            percent = Double.parseDouble(value.substring(0, Math.max(percentSign, 0)));
        } catch (NumberFormatException e) {
            percent = Double.NaN;
        }
        if (percentSign < 0 || peer.isEmpty() || !(percent > 0) || Double.isInfinite(percent)) {
            throw new IllegalArgumentException(value + ": expected PERCENT%:PEER with PERCENT > 0, e.g. 50%:ix-http");
        }
        return new RelativeRate(percent, peer);
    }

    /** @return as given on the command line, e.g. {@code 50%:ix-http} */
    String label() {
        return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString() + "%:" + peer;
    }

    /**
     * @param saturation the named peer's median closed-loop requests/s
     * @return the offered rate in requests/s, whole (a rate label and a results file name are whole numbers), at
     *         least 1 (a rate of 0 would mean closed loop)
     */
    double of(double saturation) {
        return Math.max(1, Math.round(percent / 100 * saturation));
    }
}
