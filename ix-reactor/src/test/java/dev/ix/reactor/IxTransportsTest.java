package dev.ix.reactor;

import dev.ix.transport.IxServerSocketChannel;
import dev.ix.transport.test.IoUringRequirement;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IxTransportsTest {
    private static final Throwable NO_IO_URING = new UnsatisfiedLinkError("io_uring_setup failed: EPERM\nfix: ...");
    private static final Throwable NO_EPOLL = new UnsatisfiedLinkError("no netty_transport_native_epoll");

    private final List<String> warnings = new ArrayList<>();
    private final List<String> debugs = new ArrayList<>();
    private final FallbackWarning fallbackWarning = new FallbackWarning(warnings::add, debugs::add);

    @Test
    void transportPropertyDefaultsToAutoAndIsTrimmedAndCaseBlind() {
        assertThat(IxReactorProperties.transportOf(null)).isEqualTo("auto");
        assertThat(IxReactorProperties.transportOf("  ")).isEqualTo("auto");
        assertThat(IxReactorProperties.transportOf(" EPOLL ")).isEqualTo("epoll");
        assertThat(IxReactorProperties.transportOf("io_uring")).isEqualTo("io_uring");
    }

    @Test
    void transportPropertyNamingNoTransportIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> IxReactorProperties.transportOf("uring"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Ddev.ix.transport=uring (expected: one of auto, ix, epoll, io_uring, nio)");
    }

    @Test
    void selectWithoutANameFollowsTheSystemProperty() {
        String before = System.getProperty(IxReactorProperties.TRANSPORT_PROP_NAME);
        System.setProperty(IxReactorProperties.TRANSPORT_PROP_NAME, "nio");
        try {
            IxTransports.Transport transport = IxTransports.select();

            assertThat(transport.name()).isEqualTo("nio");
            assertThat(transport.serverChannelClass()).isEqualTo(NioServerSocketChannel.class);
            assertThat(IxTransports.selected()).containsSame(transport);
        } finally {
            if (before == null) {
                System.clearProperty(IxReactorProperties.TRANSPORT_PROP_NAME);
            } else {
                System.setProperty(IxReactorProperties.TRANSPORT_PROP_NAME, before);
            }
        }
    }

    @Test
    void autoIsIxWhereIoUringRuns() {
        IoUringRequirement.check("autoIsIxWhereIoUringRuns");

        IxTransports.Transport transport = IxTransports.select("auto");

        assertThat(transport.name()).isEqualTo("ix");
        assertThat(transport.serverChannelClass()).isEqualTo(IxServerSocketChannel.class);
        assertThat(IxTransports.selected()).containsSame(transport);
    }

    @Test
    void autoFallsBackToEpollWithOneWarningThatSaysWhy() {
        TransportAvailability noIx = availability(NO_IO_URING, null);

        IxTransports.Transport first = IxTransports.select("auto", null, noIx, fallbackWarning);
        IxTransports.Transport second = IxTransports.select("auto", null, noIx, fallbackWarning);

        assertThat(first.name()).isEqualTo("epoll");
        assertThat(first.serverChannelClass()).isEqualTo(EpollServerSocketChannel.class);
        assertThat(second.name()).isEqualTo("epoll");
        assertThat(warnings).singleElement().asString()
                .startsWith("ix transport unavailable (java.lang.UnsatisfiedLinkError: io_uring_setup failed: EPERM;"
                        + " fix: ...); falling back to epoll")
                .contains("-Ddev.ix.transport=epoll");
        assertThat(debugs).hasSize(1);
    }

    @Test
    void autoFallsBackToNioWithoutEpoll() {
        IxTransports.Transport transport = IxTransports.select("auto", null, availability(NO_IO_URING, NO_EPOLL),
                fallbackWarning);

        assertThat(transport.name()).isEqualTo("nio");
        assertThat(warnings).singleElement().asString().contains("falling back to nio");
    }

    @Test
    void ixByNameIsRequiredAndFailsWithTheCause() {
        assertThatThrownBy(() -> IxTransports.select("ix", null, availability(NO_IO_URING, null), fallbackWarning))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("ix transport unavailable: java.lang.UnsatisfiedLinkError: io_uring_setup")
                .hasMessageContaining("-Ddev.ix.transport=auto falls back")
                .hasCause(NO_IO_URING);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aPeerByNameIsNeverSwapped() {
        assertThatThrownBy(() -> IxTransports.select("epoll", null, availability(null, NO_EPOLL), fallbackWarning))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("epoll transport unavailable: ")
                .hasCause(NO_EPOLL);
    }

    @Test
    void anUnknownNameIsRefused() {
        assertThatThrownBy(() -> IxTransports.select("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transport: kqueue (expected: one of [auto, ix, epoll, io_uring, nio])");
    }

    private static TransportAvailability availability(Throwable ix, Throwable epoll) {
        return new TransportAvailability() {
            @Override
            public Throwable ix() {
                return ix;
            }

            @Override
            public Throwable epoll() {
                return epoll;
            }

            @Override
            public Throwable ioUring() {
                return null;
            }
        };
    }
}
