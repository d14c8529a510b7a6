package dev.ix.bench.scale;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceAddressesTest {

    @Test
    void plansTheFewestAddressesThatHoldTheConnections() {
        assertThat(SourceAddresses.plan(0, 19_762).count()).isEqualTo(1);
        assertThat(SourceAddresses.plan(19_762, 19_762).count()).isEqualTo(1);
        assertThat(SourceAddresses.plan(19_763, 19_762).count()).isEqualTo(2);
        assertThat(SourceAddresses.plan(100_064, 19_762).count()).isEqualTo(6);
    }

    @Test
    void spreadsConnectionsRoundRobinFrom127002WithinEachAddressShare() throws Exception {
        SourceAddresses sources = SourceAddresses.plan(100_064, 19_762);
        assertThat(sources.forIndex(0)).isEqualTo(InetAddress.getByName("127.0.0.2"));
        assertThat(sources.forIndex(1)).isEqualTo(InetAddress.getByName("127.0.0.3"));
        assertThat(sources.forIndex(5)).isEqualTo(InetAddress.getByName("127.0.0.7"));
        assertThat(sources.forIndex(6)).isEqualTo(InetAddress.getByName("127.0.0.2"));
        Map<InetAddress, Integer> perAddress = new HashMap<>();
        for (int i = 0; i < 100_064; i++) {
            perAddress.merge(sources.forIndex(i), 1, Integer::sum);
        }
        assertThat(perAddress).hasSize(6);
        assertThat(perAddress.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(19_762));
    }

    @Test
    void crossesOctetBoundaries() throws Exception {
        SourceAddresses sources = SourceAddresses.plan(300 * 10, 10);
        assertThat(sources.forIndex(253)).isEqualTo(InetAddress.getByName("127.0.0.255"));
        assertThat(sources.forIndex(254)).isEqualTo(InetAddress.getByName("127.0.1.0"));
        assertThat(sources.describe()).isEqualTo("127.0.0.2-127.0.1.45 (300 addresses, <= 10 connections each)");
        assertThat(SourceAddresses.plan(5, 10).describe()).isEqualTo("127.0.0.2 (1 address, <= 10 connections each)");
    }

    @Test
    void takesAQuarterOfTheEphemeralPortRange() {
        assertThat(SourceAddresses.defaultPerAddress("32768\t60999\n")).isEqualTo(7058);
        assertThat(SourceAddresses.defaultPerAddress("1024 65535")).isEqualTo(16_128);
        assertThatThrownBy(() -> SourceAddresses.defaultPerAddress("3"))
                .hasMessage("ip_local_port_range: 3 (expected: two port numbers, low then high)");
        assertThatThrownBy(() -> SourceAddresses.defaultPerAddress("60999 32768"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesPlansBeyondTheLoopbackNetwork() {
        assertThatThrownBy(() -> SourceAddresses.plan(Integer.MAX_VALUE, 1))
                .hasMessageContaining("127.0.0.0/8 has 16777213");
        assertThatThrownBy(() -> SourceAddresses.plan(10, 0)).hasMessage("perAddress: 0 (expected: >= 1)");
        assertThatThrownBy(() -> SourceAddresses.plan(10, 5).forIndex(-1)).hasMessage("index: -1 (expected: >= 0)");
    }
}
