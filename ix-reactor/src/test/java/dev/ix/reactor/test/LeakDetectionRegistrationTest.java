package dev.ix.reactor.test;

import dev.ix.transport.test.DeliberateLeaks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that ix-reactor's tests fail on a Netty leak report as ix-transport's do: ix-transport's class that leaks
 * a {@code ByteBuf} on purpose runs here, in a nested engine, and fails. Its test-jar carries no service
 * registrations, so only ix-reactor's own {@code META-INF/services} can have put {@code LeakDetectionExtension} in
 * its way. The leak is consumed by the nested run, so this class stays green.
 */
class LeakDetectionRegistrationTest {

    /** Package-private in ix-transport's test-jar: named, not referenced. */
    private static final String LEAKING_CLASS = "dev.ix.transport.test.LeakDetectionExtensionTest$DeliberateLeak";

    @Test
    void failsATestClassThatLeaksAByteBuf() throws ClassNotFoundException {
        Throwable failure = DeliberateLeaks.classFailureOf(Class.forName(LEAKING_CLASS));

        assertThat(failure)
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Netty reported 1 resource leak(s) by the end of")
                .hasMessageContaining(LEAKING_CLASS + ".leaksAByteBuf");
    }
}
