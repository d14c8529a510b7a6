package dev.ix.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HsPerfDataTest {

    /** One entry of a synthetic file: a long scalar when {@code text} is null, else a byte vector ('B'). */
    private record Entry(String name, long value, String text) {
    }

    /** Writes performance data as HotSpot lays it out ({@link HsPerfData}'s drawing), in {@code order}. */
    private static ByteBuffer file(ByteOrder order, List<Entry> entries) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(order);
        b.order(ByteOrder.BIG_ENDIAN).putInt(0, HsPerfData.MAGIC).order(order);
        b.put(HsPerfData.PROLOGUE_BYTE_ORDER, (byte) (order == ByteOrder.BIG_ENDIAN ? 0 : 1));
        b.put(HsPerfData.PROLOGUE_MAJOR_VERSION, (byte) 2);
        b.put(HsPerfData.PROLOGUE_MINOR_VERSION, (byte) 0);
        b.put(HsPerfData.PROLOGUE_ACCESSIBLE, (byte) 1);
        b.putInt(HsPerfData.PROLOGUE_ENTRY_OFFSET, HsPerfData.PROLOGUE_SIZE);
        b.putInt(HsPerfData.PROLOGUE_NUM_ENTRIES, entries.size());
        int at = HsPerfData.PROLOGUE_SIZE;
        for (Entry e : entries) {
            byte[] name = (e.name() + "\0").getBytes(StandardCharsets.US_ASCII);
            int dataOffset = align(HsPerfData.ENTRY_HEADER_SIZE + name.length);
            byte[] text = e.text() == null ? null : (e.text() + "\0").getBytes(StandardCharsets.US_ASCII);
            int length = align(dataOffset + (text == null ? Long.BYTES : text.length));
            b.putInt(at + HsPerfData.ENTRY_LENGTH, length);
            b.putInt(at + HsPerfData.ENTRY_NAME_OFFSET, HsPerfData.ENTRY_HEADER_SIZE);
            b.putInt(at + HsPerfData.ENTRY_VECTOR_LENGTH, text == null ? 0 : text.length);
            b.put(at + HsPerfData.ENTRY_DATA_TYPE, text == null ? HsPerfData.TYPE_LONG : (byte) 'B');
            b.putInt(at + HsPerfData.ENTRY_DATA_OFFSET, dataOffset);
            b.put(at + HsPerfData.ENTRY_HEADER_SIZE, name);
            if (text == null) {
                b.putLong(at + dataOffset, e.value());
            } else {
                b.put(at + dataOffset, text);
            }
            at += length;
        }
        b.putInt(HsPerfData.PROLOGUE_USED, at);
        return b;
    }

    private static int align(int n) {
        return (n + 7) & ~7;
    }

    private static final List<Entry> GC_ENTRIES = List.of(
            new Entry("sun.gc.policy.name", 0, "ParScav:MSC"),
            new Entry("sun.gc.collector.0.invocations", 4, null),
            new Entry("sun.gc.collector.0.time", 23_123_543, null),
            new Entry("sun.gc.collector.1.name", 0, "Parallel full collection pauses"),
            new Entry("sun.gc.collector.1.invocations", 3, null),
            new Entry("sun.gc.collector.1.time", 25_358_867, null),
            new Entry("sun.os.hrt.frequency", 1_000_000_000, null));

    @ParameterizedTest
    @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void readsTheLongCountersInTheFilesByteOrderAndSkipsTheRest(String order) {
        ByteOrder byteOrder = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        Map<String, Long> counters = HsPerfData.longCounters(file(byteOrder, GC_ENTRIES));

        assertThat(counters).containsExactly(
                Map.entry("sun.gc.collector.0.invocations", 4L),
                Map.entry("sun.gc.collector.0.time", 23_123_543L),
                Map.entry("sun.gc.collector.1.invocations", 3L),
                Map.entry("sun.gc.collector.1.time", 25_358_867L),
                Map.entry("sun.os.hrt.frequency", 1_000_000_000L));
    }

    @Test
    void refusesWhatIsNotPerformanceData() {
        ByteBuffer wrongMagic = file(ByteOrder.LITTLE_ENDIAN, GC_ENTRIES);
        wrongMagic.put(0, new byte[] {0x7f, 'E', 'L', 'F'});
        assertThatThrownBy(() -> HsPerfData.longCounters(wrongMagic))
                .hasMessage("not HotSpot performance data: magic 0x7f454c46 (expected: 0xcafec0c0)");

        assertThatThrownBy(() -> HsPerfData.longCounters(ByteBuffer.allocate(8)))
                .hasMessage("not HotSpot performance data: 8 bytes (expected: >= 32)");

        ByteBuffer oldVersion = file(ByteOrder.LITTLE_ENDIAN, GC_ENTRIES);
        oldVersion.put(HsPerfData.PROLOGUE_MAJOR_VERSION, (byte) 1);
        assertThatThrownBy(() -> HsPerfData.longCounters(oldVersion))
                .hasMessage("performance data version 1.0 (expected: 2.x)");

        ByteBuffer starting = file(ByteOrder.LITTLE_ENDIAN, GC_ENTRIES);
        starting.put(HsPerfData.PROLOGUE_ACCESSIBLE, (byte) 0);
        assertThatThrownBy(() -> HsPerfData.longCounters(starting)).hasMessageContaining("still starting");
    }

    @Test
    void refusesEntriesOutsideTheUsedBytes() {
        ByteBuffer tooMany = file(ByteOrder.LITTLE_ENDIAN, GC_ENTRIES);
        tooMany.putInt(HsPerfData.PROLOGUE_NUM_ENTRIES, GC_ENTRIES.size() + 1);
        assertThatThrownBy(() -> HsPerfData.longCounters(tooMany))
                .hasMessageContaining("entry 7 of 8 at offset").hasMessageContaining("lies outside the used");

        ByteBuffer longEntry = file(ByteOrder.LITTLE_ENDIAN, GC_ENTRIES);
        longEntry.putInt(HsPerfData.PROLOGUE_SIZE + HsPerfData.ENTRY_LENGTH, 1 << 20);
        assertThatThrownBy(() -> HsPerfData.longCounters(longEntry))
                .hasMessageStartingWith("entry 0 at offset 32: length 1048576 (expected: 20..");

        ByteBuffer unterminated = file(ByteOrder.LITTLE_ENDIAN, List.of(GC_ENTRIES.get(1)));
        int used = unterminated.getInt(HsPerfData.PROLOGUE_USED);
        for (int i = HsPerfData.PROLOGUE_SIZE + HsPerfData.ENTRY_HEADER_SIZE; i < used; i++) {
            if (unterminated.get(i) == 0) {
                unterminated.put(i, (byte) 'x');
            }
        }
        assertThatThrownBy(() -> HsPerfData.longCounters(unterminated)).hasMessageContaining("NUL-terminated");
    }

    @Test
    void readsThisJvmsOwnCounters() throws Exception {
        Map<String, Long> counters = HsPerfData.read(ProcessHandle.current().pid());

        assertThat(counters).containsKeys(GcCounts.YOUNG, GcCounts.OLD, HsPerfData.TICKS_PER_SECOND);
        assertThat(counters.get(HsPerfData.TICKS_PER_SECOND)).isPositive();
    }

    @Test
    void aProcessWithoutPerformanceDataIsSaidToBeSo() {
        // No process has this pid (Linux's pid_max is at most 2^22).
        assertThatThrownBy(() -> HsPerfData.read(Long.MAX_VALUE))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("no performance data of pid " + Long.MAX_VALUE)
                .hasMessageContaining("-XX:-UsePerfData");
    }
}
