package dev.ix.http;

import dev.ix.transport.IxLoop;
import dev.ix.transport.IxTimer;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Optional;

/**
 * The {@code Date} field value of a loop's responses: an IMF-fixdate (RFC 9110 §5.6.7), 29 ASCII bytes such as
 * {@code Sun, 06 Nov 1994 08:49:37 GMT}, kept encoded and rebuilt once a second rather than formatted per response.
 *
 * <p>One instance per event loop thread ({@link #current()}). On an ix loop a timer on the loop's wheel rebuilds the
 * value just after each second boundary, so writing it costs one copy of 29 bytes. On any other thread the value is
 * rebuilt lazily: each write compares {@code System.currentTimeMillis() / 1000} with the second it holds. Rebuilding
 * formats into the same array, so neither path ever allocates.
 *
 * <p>On the wheel the value may lag the clock by the wheel's tick plus however late the loop runs its timers (about
 * a millisecond on a loop that is not overloaded): RFC 9110 §6.6.1 asks for the best available approximation, and a
 * cache such as this is what every fast server sends.
 *
 * <p><b>Threading:</b> not thread-safe; an instance is used only on the thread that {@link #current()} returned it
 * to.
 */
final class HttpDate {
    /** Length of the value in bytes. */
    static final int LENGTH = 29;

    private static final byte[] DAYS = HttpChars.ascii("SunMonTueWedThuFriSat");
    private static final byte[] MONTHS = HttpChars.ascii("JanFebMarAprMayJunJulAugSepOctNovDec");
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private static final FastThreadLocal<HttpDate> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected HttpDate initialValue() {
            Optional<IxLoop> loop = IxLoop.current();
            return loop.isPresent() ? ticking(loop.get()) : new HttpDate(false);
        }
    };

    private final byte[] value = new byte[LENGTH];
    /** Whether a wheel timer keeps the value current; else each write checks the clock. */
    private final boolean ticking;
    /** The epoch second the value shows. */
    private long second = Long.MIN_VALUE;

    private HttpDate(boolean ticking) {
        this.ticking = ticking;
        refresh(System.currentTimeMillis());
    }

    /**
     * The calling thread's instance, created at the first call: on an ix loop thread it is kept current by a timer
     * on that loop's wheel, elsewhere lazily.
     *
     * @return this thread's instance; use it only on this thread
     */
    static HttpDate current() {
        return PER_THREAD.get();
    }

    /** @return a new instance that checks the clock at each write; for tests and non-loop threads */
    static HttpDate lazy() {
        return new HttpDate(false);
    }

    /** Loop thread only: the first rebuild is scheduled on {@code loop}'s wheel at once. */
    private static HttpDate ticking(IxLoop loop) {
        HttpDate date = new HttpDate(true);
        new Ticker(date, loop).scheduleNext(System.currentTimeMillis());
        return date;
    }

    /** @return whether a wheel timer keeps this value current (the instance of an ix loop thread) */
    boolean isTicking() {
        return ticking;
    }

    /**
     * Writes the 29-byte value, without field name or CRLF, at {@code out}'s writer index and advances it.
     *
     * @param out not released
     */
    void writeTo(ByteBuf out) {
        if (!ticking) {
            refresh(System.currentTimeMillis());
        }
        out.writeBytes(value);
    }

    /** @return a copy of the value as it is now (without a refresh); for tests */
    byte[] snapshot() {
        return value.clone();
    }

    /** Rebuilds the value if {@code epochMillis} is in another second than the one it shows. */
    private void refresh(long epochMillis) {
        long s = Math.floorDiv(epochMillis, 1000);
        if (s != second) {
            second = s;
            format(s, value);
        }
    }

    /**
     * Formats {@code epochSecond} as an IMF-fixdate into {@code dst[0, 29)}.
     *
     * @param epochSecond seconds since 1970-01-01T00:00:00Z, up to the end of year 9999
     */
    static void format(long epochSecond, byte[] dst) {
        long days = Math.floorDiv(epochSecond, 86_400);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400);
        // 1970-01-01 was a Thursday, index 4 from Sunday.
        int dayOfWeek = (int) Math.floorMod(days + 4, 7);
        // Civil date from a day count, H. Hinnant's days_from_civil inverse: eras of 400 years starting 0000-03-01,
        // so February's leap day is the last day of a year and needs no special case.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int marchMonth = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * marchMonth + 2) / 5 + 1;
        int month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        System.arraycopy(DAYS, dayOfWeek * 3, dst, 0, 3);
        dst[3] = ',';
        dst[4] = ' ';
        AsciiDigits.twoDigits(dst, 5, day);
        dst[7] = ' ';
        System.arraycopy(MONTHS, (month - 1) * 3, dst, 8, 3);
        dst[11] = ' ';
        AsciiDigits.twoDigits(dst, 12, (int) (year / 100));
        AsciiDigits.twoDigits(dst, 14, (int) (year % 100));
        dst[16] = ' ';
        AsciiDigits.twoDigits(dst, 17, secondOfDay / 3600);
        dst[19] = ':';
        AsciiDigits.twoDigits(dst, 20, secondOfDay / 60 % 60);
        dst[22] = ':';
        AsciiDigits.twoDigits(dst, 23, secondOfDay % 60);
        dst[25] = ' ';
        dst[26] = 'G';
        dst[27] = 'M';
        dst[28] = 'T';
    }

    /**
     * Rebuilds a loop's value just after each second boundary of the wall clock and schedules itself again; one
     * instance per loop for the loop's life (the wheel is cleared when the loop stops).
     */
    private static final class Ticker extends IxTimer {
        private final HttpDate date;
        private final IxLoop loop;

        Ticker(HttpDate date, IxLoop loop) {
            this.date = date;
            this.loop = loop;
        }

        @Override
        protected void expired(long nowNanos) {
            long millis = System.currentTimeMillis();
            date.refresh(millis);
            scheduleNext(millis);
        }

        void scheduleNext(long epochMillis) {
            long untilNextSecond = 1000 - Math.floorMod(epochMillis, 1000);
            loop.timerWheel().schedule(this, untilNextSecond * NANOS_PER_MILLI, System.nanoTime());
        }
    }
}
