package dev.ix.transport;

import dev.ix.transport.test.RequiresIoUring;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresIoUring
class IxTransportTest {
    @Test
    void availableTransportHasNoCauseAndEnsureAvailabilityPasses() {
        assertThat(IxTransport.isAvailable()).isTrue();
        assertThat(IxTransport.unavailabilityCause()).isNull();
        IxTransport.ensureAvailability();
    }

    @Test
    void reportNamesEachFeatureAndItsState() {
        String report = IxTransport.report();
        assertThat(report).startsWith("ix transport: AVAILABLE")
                .contains("io_uring_setup", "provided buffer ring", "required opcodes", "receive mbuf memory",
                        "kernel.io_uring_disabled", "seccomp", "RLIMIT_MEMLOCK", "native access");
    }

    @Test
    void configRejectsValuesOutOfRangeWithTheExpectedRange() {
        assertThatThrownBy(() -> IxIoHandlerConfig.defaults().withBatchLimit(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("batchLimit: 0 (expected: 1..4096)");
        assertThatThrownBy(() -> IxIoHandlerConfig.defaults().withMbufSize(1000))
                .hasMessage("mbufSize: 1000 (expected: a power of two in 256..65536)");
    }
}
