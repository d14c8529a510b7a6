package dev.ix.transport;

import dev.ix.transport.test.RequiresIoUring;
import dev.ix.transport.uring.Uring;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
                .contains("io_uring_setup", "provided buffer ring", "required opcodes", "SPLICE (FileRegion)", "receive mbuf memory",
                        "kernel.io_uring_disabled", "seccomp", "RLIMIT_MEMLOCK", "native access");
    }

    /**
     * The availability check must probe exactly the opcodes the transport submits: every {@code IORING_OP_*} named
     * in the main sources (outside the ABI class and the probe itself) is a submitted or dispatched opcode.
     */
    @Test
    void probedOpcodesAreExactlyTheOnesTheSourcesUse() throws Exception {
        Set<String> used = new TreeSet<>();
        Pattern op = Pattern.compile("\\bIORING_OP_([A-Z_]+)\\b");
        Path root = Path.of("src/main/java/dev/ix/transport");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String name = f.getFileName().toString();
                if (name.equals("Uring.java") || name.equals("Probe.java") || name.equals("IxTransport.java")) {
                    continue;
                }
                Matcher m = op.matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        used.remove("LAST");
        Set<String> probed = new TreeSet<>();
        for (byte[] ops : new byte[][]{IxTransport.REQUIRED_OPS, IxTransport.OPTIONAL_OPS}) {
            for (byte b : ops) {
                probed.add(opName(b));
            }
        }
        assertThat(used).as("opcodes named in the sources").contains("SEND", "SENDMSG", "SPLICE", "CLOSE");
        assertThat(probed).as("opcodes IxTransport probes").isEqualTo(used);
    }

    private static String opName(byte opcode) throws IllegalAccessException {
        for (Field f : Uring.class.getFields()) {
            if (f.getName().startsWith("IORING_OP_") && f.getType() == byte.class && f.getByte(null) == opcode) {
                return f.getName().substring("IORING_OP_".length());
            }
        }
        throw new AssertionError("no IORING_OP_ constant for " + opcode);
    }

    @Test
    void configRejectsValuesOutOfRangeWithTheExpectedRange() {
        assertThatThrownBy(() -> IxIoHandlerConfig.defaults().withBatchLimit(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("batchLimit: 0 (expected: 1..4096)");
        assertThatThrownBy(() -> IxIoHandlerConfig.defaults().withMbufSize(1000))
                .hasMessage("mbufSize: 1000 (expected: a power of two in 256..65536)");
    }
}
