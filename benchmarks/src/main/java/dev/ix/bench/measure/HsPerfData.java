package dev.ix.bench.measure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The performance counters a HotSpot JVM publishes in {@code /tmp/hsperfdata_<user>/<pid>} (unless started with
 * {@code -XX:-UsePerfData}): the shared memory {@code jstat} reads. Reading them takes no process, no attach and
 * no safepoint in the observed JVM, so it can be done right before and after a measured window without disturbing
 * it. Only scalar {@code long} counters are read ({@code sun.gc.collector.0.invocations}, …); strings and vectors
 * are skipped. Stateless and thread-safe.
 *
 * <p>Layout (HotSpot's {@code perfMemory.hpp}): a prologue, then {@code num_entries} entries from
 * {@code entry_offset}, each {@code entry_length} bytes long:
 *
 * <pre>
 *  prologue                                   entry
 *  0  magic 0xcafec0c0, always big-endian     0  entry_length      i32
 *  4  byte_order (0 big, 1 little)     u8     4  name_offset       i32  (from the entry's start, NUL-terminated)
 *  5  major_version, 6 minor_version   u8     8  vector_length     i32  (0: a scalar)
 *  7  accessible (1 once initialised)  u8     12 data_type         u8   ('J' long, 'B' byte, …)
 *  8  used                             i32    13 flags, 14 data_units, 15 data_variability  u8
 *  12 overflow                         i32    16 data_offset       i32  (from the entry's start)
 *  16 mod_time_stamp                   i64
 *  24 entry_offset                     i32
 *  28 num_entries                      i32
 * </pre>
 *
 * <p>A counter is one aligned 8-byte word the JVM updates in place; the file is mapped, not copied, so each value is
 * read with one load and cannot be torn. Two counters are not read at one instant: a collection ending during the
 * read can show in one and not yet in another.
 */
final class HsPerfData {

    static final int MAGIC = 0xcafec0c0;
    static final int SUPPORTED_MAJOR_VERSION = 2;

    static final int PROLOGUE_BYTE_ORDER = 4;
    static final int PROLOGUE_MAJOR_VERSION = 5;
    static final int PROLOGUE_MINOR_VERSION = 6;
    static final int PROLOGUE_ACCESSIBLE = 7;
    static final int PROLOGUE_USED = 8;
    static final int PROLOGUE_ENTRY_OFFSET = 24;
    static final int PROLOGUE_NUM_ENTRIES = 28;
    static final int PROLOGUE_SIZE = 32;

    static final int ENTRY_LENGTH = 0;
    static final int ENTRY_NAME_OFFSET = 4;
    static final int ENTRY_VECTOR_LENGTH = 8;
    static final int ENTRY_DATA_TYPE = 12;
    static final int ENTRY_DATA_OFFSET = 16;
    static final int ENTRY_HEADER_SIZE = 20;

    static final byte TYPE_LONG = 'J';
    /** Ticks of the clock the JVM's counters of time (collections, compilations) are in, per second. */
    static final String TICKS_PER_SECOND = "sun.os.hrt.frequency";

    private HsPerfData() {
    }

    /**
     * @param pid a HotSpot JVM of this machine, run by the same user as this JVM
     * @return where that JVM publishes its counters: HotSpot uses {@code /tmp} on Linux whatever
     *         {@code java.io.tmpdir} says, and the user name of its effective uid
     */
    static Path file(long pid) {
        return Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"), Long.toString(pid));
    }

    /**
     * Reads every scalar {@code long} counter of a running JVM.
     *
     * @throws NoSuchFileException      if the JVM publishes none: not a HotSpot JVM, started with
     *                                  {@code -XX:-UsePerfData}, run by another user, or gone
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the file is not in the format described above
     */
    static Map<String, Long> read(long pid) throws IOException {
        Path file = file(pid);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            try {
                return longCounters(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no performance data of pid " + pid
                    + ": not a HotSpot JVM of this user, started with -XX:-UsePerfData, or exited");
        }
    }

    /**
     * Reads a running JVM's counters and makes {@code of} of them ({@link GcCounts#of}, {@link JitCounts#of}).
     *
     * @throws IOException              as {@link #read(long)}
     * @throws IllegalArgumentException if the file is malformed or {@code of} refuses the counters; the message names
     *                                  the file
     */
    static <T> T read(long pid, Function<Map<String, Long>, T> of) throws IOException {
        Map<String, Long> counters = read(pid);
        try {
            return of.apply(counters);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file(pid) + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return the counter {@code name} of a reading
     * @throws IllegalArgumentException if the JVM has no such counter
     */
    static long counter(Map<String, Long> counters, String name) {
        Long value = counters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no counter " + name + " (" + counters.size()
                    + " long counters; a JVM without these performance counters?)");
        }
        return value;
    }

    /**
     * @return nanoseconds per tick of the clock the JVM's counters of time are in ({@link #TICKS_PER_SECOND})
     * @throws IllegalArgumentException if the frequency is missing or not positive
     */
    static double nanosPerTick(Map<String, Long> counters) {
        long ticksPerSecond = counter(counters, TICKS_PER_SECOND);
        if (ticksPerSecond <= 0) {
            throw new IllegalArgumentException(TICKS_PER_SECOND + ": " + ticksPerSecond + " (expected: > 0)");
        }
        return 1e9 / ticksPerSecond;
    }

    /**
     * @param data the counters' memory, from position 0; its byte order is ignored (the prologue gives it)
     * @return each scalar {@code long} counter by name, in the order the JVM created them
     * @throws IllegalArgumentException if {@code data} is not HotSpot performance data of a supported version, not
     *                                  initialised yet, or an entry lies outside it
     */
    static Map<String, Long> longCounters(ByteBuffer data) {
        ByteBuffer b = data.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (b.limit() < PROLOGUE_SIZE) {
            throw new IllegalArgumentException("not HotSpot performance data: " + b.limit() + " bytes (expected: >= "
                    + PROLOGUE_SIZE + ")");
        }
        int magic = b.getInt(0);
        if (magic != MAGIC) {
            throw new IllegalArgumentException("not HotSpot performance data: magic 0x" + Integer.toHexString(magic)
                    + " (expected: 0x" + Integer.toHexString(MAGIC) + ")");
        }
        int major = b.get(PROLOGUE_MAJOR_VERSION);
        if (major != SUPPORTED_MAJOR_VERSION) {
            throw new IllegalArgumentException("performance data version " + major + "." + b.get(PROLOGUE_MINOR_VERSION)
                    + " (expected: " + SUPPORTED_MAJOR_VERSION + ".x)");
        }
        if (b.get(PROLOGUE_ACCESSIBLE) == 0) {
            throw new IllegalArgumentException("performance data not accessible yet: the JVM is still starting");
        }
        b.order(b.get(PROLOGUE_BYTE_ORDER) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int used = b.getInt(PROLOGUE_USED);
        if (used < PROLOGUE_SIZE || used > b.limit()) {
            throw new IllegalArgumentException("used size " + used + " (expected: " + PROLOGUE_SIZE + ".."
                    + b.limit() + ")");
        }
        int count = b.getInt(PROLOGUE_NUM_ENTRIES);
        int entry = b.getInt(PROLOGUE_ENTRY_OFFSET);
        Map<String, Long> counters = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            if (entry < PROLOGUE_SIZE || entry > used - ENTRY_HEADER_SIZE) {
                throw new IllegalArgumentException("entry " + i + " of " + count + " at offset " + entry
                        + " lies outside the used " + used + " bytes");
            }
            int length = b.getInt(entry + ENTRY_LENGTH);
            if (length < ENTRY_HEADER_SIZE || length > used - entry) {
                throw new IllegalArgumentException("entry " + i + " at offset " + entry + ": length " + length
                        + " (expected: " + ENTRY_HEADER_SIZE + ".." + (used - entry) + ")");
            }
            if (b.get(entry + ENTRY_DATA_TYPE) == TYPE_LONG && b.getInt(entry + ENTRY_VECTOR_LENGTH) == 0) {
                int value = entry + b.getInt(entry + ENTRY_DATA_OFFSET);
                if (value < entry || value > entry + length - Long.BYTES) {
                    throw new IllegalArgumentException("entry " + i + " at offset " + entry + ": its value at "
                            + value + " lies outside the entry");
                }
                counters.put(name(b, entry, length, i), b.getLong(value));
            }
            entry += length;
        }
        return counters;
    }

    private static String name(ByteBuffer b, int entry, int length, int index) {
        int nameOffset = b.getInt(entry + ENTRY_NAME_OFFSET);
        int start = entry + nameOffset;
        int end = start;
        while (nameOffset >= ENTRY_HEADER_SIZE && end < entry + length && b.get(end) != 0) {
            end++;
        }
        if (nameOffset < ENTRY_HEADER_SIZE || nameOffset >= length || end >= entry + length) {
            throw new IllegalArgumentException("entry " + index + " at offset " + entry
                    + ": its name is not a NUL-terminated string inside the entry");
        }
        byte[] name = new byte[end - start];
        b.get(start, name);
        return new String(name, StandardCharsets.US_ASCII);
    }
}
