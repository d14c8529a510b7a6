package dev.ix.bench.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A memcached workload of Atikoglu et al., "Workload Analysis of a Large-Scale Key-Value Store" (SIGMETRICS'12), as
 * the IX paper (OSDI'14) loaded memcached with it: which keys exist, how long they are, how large their values are,
 * and the share of GETs. Every request picks its key uniformly over the key set (mutilate's default, which IX used).
 *
 * <ul>
 *   <li>{@code usr}: keys of 12 to 19 bytes (uniform; the paper: "< 20 B"), 2-byte values, 99 % GET.</li>
 *   <li>{@code etc}: key lengths from the paper's generalized extreme value fit (μ 30.7984, σ 8.20449, ξ 0.078688)
 *       held to 20..70 bytes; value sizes from its generalized Pareto fit (θ 0, σ 214.476, ξ 0.348238, mutilate's
 *       {@code fb_value}) held to 1..1024 bytes, so most are small (median about 170 B, mean about 280 B, 6 % at
 *       the cap); 75 % GET.</li>
 * </ul>
 *
 * <p>Key {@code i} is the same bytes in every process (its length comes from a generator seeded with {@code i}), so
 * the preload ({@link MemcachePreload}) and the generator's requests ({@link MemcacheRequestBlock}) name the same
 * keys. Immutable and thread-safe.
 *
 * @param name     {@code usr} or {@code etc}
 * @param keys     the number of keys, {@code >= 1}
 * @param getShare the share of requests that are GETs, the rest SETs
 */
public record MemcacheWorkload(String name, int keys, double getShare) {

    /** Keys a workload has unless told otherwise (as many as IX preloaded per server in its runs, to the order). */
    public static final int DEFAULT_KEYS = 100_000;

    /** The largest key memcached's text protocol accepts, in bytes. */
    static final int MAX_KEY_BYTES = 250;

    static final int USR_MIN_KEY = 12;
    static final int USR_MAX_KEY = 19;
    static final int USR_VALUE = 2;
    static final int ETC_MIN_KEY = 20;
    static final int ETC_MAX_KEY = 70;
    static final int ETC_MAX_VALUE = 1024;

    private static final double ETC_KEY_MU = 30.7984;
    private static final double ETC_KEY_SIGMA = 8.20449;
    private static final double ETC_KEY_XI = 0.078688;
    private static final double ETC_VALUE_SIGMA = 214.476;
    private static final double ETC_VALUE_XI = 0.348238;

    /** Mixes a key's index into its own seed, so neighbouring keys' lengths are unrelated. */
    private static final long KEY_SEED = 0x5DEECE66DL;

    public MemcacheWorkload {
        if (!name.equals("usr") && !name.equals("etc")) {
            throw new IllegalArgumentException("workload: " + name + " (expected: usr or etc)");
        }
        if (keys < 1) {
            throw new IllegalArgumentException("keys: " + keys + " (expected: >= 1)");
        }
        if (!(getShare >= 0 && getShare <= 1)) {
            throw new IllegalArgumentException("getShare: " + getShare + " (expected: 0..1)");
        }
    }

    /** @return the workload called {@code name} ({@code usr}, {@code etc}, any case) with {@code keys} keys */
    public static MemcacheWorkload of(String name, int keys) {
        String n = name.toLowerCase(Locale.ROOT);
        return new MemcacheWorkload(n, keys, n.equals("usr") ? 0.99 : 0.75);
    }

    /**
     * @param uri {@code memcache://host:port[/usr|/etc][?keys=N]}: the path names the workload (usr when none)
     * @throws IllegalArgumentException for another path or a bad {@code keys}
     */
    static MemcacheWorkload of(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        String name = path.isEmpty() || path.equals("/") ? "usr" : path.substring(1);
        int keys = DEFAULT_KEYS;
        String query = uri.getQuery();
        if (query != null && !query.isEmpty()) {
            if (!query.startsWith("keys=")) {
                throw new IllegalArgumentException("URL: " + uri + " (expected: memcache://host:port/usr|etc[?keys=N])");
            }
            try {
                keys = Integer.parseInt(query.substring("keys=".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("URL: " + uri + ": keys=" + query.substring(5) + " (expected: a"
                        + " whole number >= 1)");
            }
        }
        return of(name, keys);
    }

    /** @return the path and query that name this workload in a {@code memcache://} URI */
    public String uriSuffix() {
        return "/" + name + "?keys=" + keys;
    }

    /**
     * @param index {@code 0 <= index < keys}
     * @return key {@code index}: printable ASCII, its length drawn from the workload's key-size distribution
     */
    public byte[] key(int index) {
        if (index < 0 || index >= keys) {
            throw new IllegalArgumentException("index: " + index + " (expected: 0.." + (keys - 1) + ")");
        }
        SplittableRandom random = new SplittableRandom(KEY_SEED ^ index * 0x9E3779B97F4A7C15L);
        int length = keyLength(random);
        // The index in hex makes keys distinct; a fixed filler brings each to its drawn length.
        byte[] digits = Integer.toHexString(index).getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[length];
        Arrays.fill(key, (byte) 'x');
        key[0] = (byte) name.charAt(0);
        key[1] = (byte) ':';
        System.arraycopy(digits, 0, key, 2, digits.length);
        key[2 + digits.length] = (byte) '-';
        return key;
    }

    private int keyLength(SplittableRandom random) {
        if (name.equals("usr")) {
            return random.nextInt(USR_MIN_KEY, USR_MAX_KEY + 1);
        }
        double u = random.nextDouble();
        // Inverse of the generalized extreme value distribution's CDF.
        double x = ETC_KEY_MU + ETC_KEY_SIGMA * (Math.pow(-Math.log(Math.max(u, Double.MIN_NORMAL)), -ETC_KEY_XI) - 1)
                / ETC_KEY_XI;
        return (int) Math.min(ETC_MAX_KEY, Math.max(ETC_MIN_KEY, Math.round(x)));
    }

    /** @return a value size drawn from the workload's distribution, in bytes */
    public int valueSize(SplittableRandom random) {
        if (name.equals("usr")) {
            return USR_VALUE;
        }
        double u = random.nextDouble();
        // Inverse of the generalized Pareto distribution's CDF (location 0).
        double x = ETC_VALUE_SIGMA * (Math.pow(1 - u, -ETC_VALUE_XI) - 1) / ETC_VALUE_XI;
        return (int) Math.min(ETC_MAX_VALUE, Math.max(1, Math.round(x)));
    }

    /**
     * Writes the requests the built-in generator sends under this workload to {@code file}, for a generator in another
     * process ({@link dev.ix.bench.wrk.Mcload}): each request's length, 4 bytes little-endian, then its bytes.
     */
    public void writeRequestFile(Path file) throws IOException {
        MemcacheRequestBlock.writeRequestFile(this, file);
    }

    /** @return the longest value this workload sets, in bytes */
    public int maxValueSize() {
        return name.equals("usr") ? USR_VALUE : ETC_MAX_VALUE;
    }

    /** @return a uniformly drawn key index */
    int keyIndex(SplittableRandom random) {
        return random.nextInt(keys);
    }

    /** @return whether the next request is a GET */
    boolean isGet(SplittableRandom random) {
        return random.nextDouble() < getShare;
    }
}
