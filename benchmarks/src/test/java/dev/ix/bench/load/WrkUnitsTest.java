package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WrkUnitsTest {

    @Test
    void latenciesAsWrkPrintsThem() {
        assertThat(WrkUnits.micros(812)).isEqualTo("812.00us");
        assertThat(WrkUnits.micros(849)).isEqualTo("849.00us");
        // wrk moves to the next unit from 85 % of it.
        assertThat(WrkUnits.micros(900)).isEqualTo("0.90ms");
        assertThat(WrkUnits.micros(6_600)).isEqualTo("6.60ms");
        assertThat(WrkUnits.micros(999_000)).isEqualTo("999.00ms");
        assertThat(WrkUnits.micros(1_200_000)).isEqualTo("1.20s");
        assertThat(WrkUnits.micros(60_000_000)).isEqualTo("1.00m");
        // ... and never reaches a scale's last unit.
        assertThat(WrkUnits.micros(7_200_000_000.0)).isEqualTo("120.00m");
    }

    @Test
    void countsAndSizes() {
        assertThat(WrkUnits.metric(151.22)).isEqualTo("151.22");
        assertThat(WrkUnits.metric(1_040)).isEqualTo("1.04k");
        assertThat(WrkUnits.metric(2_500_000)).isEqualTo("2.50M");
        assertThat(WrkUnits.binary(117.79 * 1024)).isEqualTo("117.79K");
        assertThat(WrkUnits.binary(19.81 * 1024 * 1024)).isEqualTo("19.81M");
        assertThat(WrkUnits.binary(100)).isEqualTo("100.00");
        assertThat(WrkUnits.seconds(30)).isEqualTo("30s");
        assertThat(WrkUnits.seconds(60)).isEqualTo("1m");
    }

    @Test
    void columnsAsWrkAlignsThem() {
        assertThat(WrkUnits.column("6.60ms", 8)).isEqualTo("  6.60ms");
        assertThat(WrkUnits.column("1.04k", 8)).isEqualTo("  1.04k ");
        assertThat(WrkUnits.column("151.22", 10)).isEqualTo("  151.22  ");
        assertThat(WrkUnits.column("12.50ms", 9)).isEqualTo("  12.50ms");
    }

    @Test
    void readsWrksNumbersAndTimes() {
        assertThat(WrkUnits.count("16")).isEqualTo(16);
        assertThat(WrkUnits.count("1k")).isEqualTo(1_000);
        assertThat(WrkUnits.count("2M")).isEqualTo(2_000_000);
        assertThat(WrkUnits.count("1.5k")).isEqualTo(1_500);
        assertThat(WrkUnits.count("x")).isEqualTo(-1);
        assertThat(WrkUnits.count("-1")).isEqualTo(-1);
        assertThat(WrkUnits.time("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(WrkUnits.time("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(WrkUnits.time("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(WrkUnits.time("1H")).isEqualTo(Duration.ofHours(1));
        assertThat(WrkUnits.time("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(WrkUnits.time("5x")).isNull();
    }
}
