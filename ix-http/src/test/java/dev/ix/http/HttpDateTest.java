package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The IMF-fixdate format, against {@code java.time}, and the lazy refresh; the wheel's in {@link HttpDateLoopTest}. */
class HttpDateTest {
    /**
     * {@link DateTimeFormatter#RFC_1123_DATE_TIME} writes single-digit days as one digit ({@code Sun, 6 Nov 1994});
     * IMF-fixdate has two. This is the exact format, and RFC 1123's parser is checked to read ours back.
     */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @Test
    void formatsTheRfcExample() {
        assertThat(format(784_111_777L)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    @Test
    void formatsLikeJavaTimeAtDayMonthAndYearBoundaries() {
        long[] seconds = {
            0, 59, 86_399, 86_400, // the epoch and its first day
            instant("1999-12-31T23:59:59Z"), instant("2000-01-01T00:00:00Z"), // a year (and 400-year) boundary
            instant("2000-02-29T12:00:00Z"), instant("2100-02-28T23:59:59Z"), instant("2100-03-01T00:00:00Z"),
            instant("2024-02-29T00:00:00Z"), instant("2026-01-01T00:00:00Z"), instant("2026-12-31T23:59:59Z"),
            instant("2038-01-19T03:14:08Z"), instant("9999-12-31T23:59:59Z"),
        };
        for (long s : seconds) {
            checkAgainstJavaTime(s);
        }
    }

    @Test
    void formatsLikeJavaTimeForEveryDayOfTwoCenturies() {
        SplittableRandom random = new SplittableRandom(12);
        for (long day = 0; day < 200 * 366; day++) {
            checkAgainstJavaTime(day * 86_400 + random.nextInt(86_400));
        }
    }

    @Test
    void lazyDateWritesTheCurrentSecond() {
        HttpDate date = HttpDate.lazy();
        ByteBuf out = Unpooled.buffer(HttpDate.LENGTH);
        long before = System.currentTimeMillis() / 1000;
        date.writeTo(out);
        long after = System.currentTimeMillis() / 1000;

        String written = out.toString(StandardCharsets.US_ASCII);
        long second = ZonedDateTime.parse(written, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        assertThat(second).isBetween(before, after);
        assertThat(date.isTicking()).isFalse();
        out.release();
    }

    @Test
    void isLazyOnAThreadThatIsNoIxLoop() {
        assertThat(HttpDate.current().isTicking()).isFalse();
        assertThat(HttpDate.current()).isSameAs(HttpDate.current());
    }

    private static void checkAgainstJavaTime(long epochSecond) {
        String ours = format(epochSecond);
        assertThat(ours).as("second %d", epochSecond).isEqualTo(IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond)));
        assertThat(ZonedDateTime.parse(ours, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond())
                .isEqualTo(epochSecond);
    }

    private static long instant(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    private static String format(long epochSecond) {
        byte[] value = new byte[HttpDate.LENGTH];
        HttpDate.format(epochSecond, value);
        return new String(value, StandardCharsets.US_ASCII);
    }
}
