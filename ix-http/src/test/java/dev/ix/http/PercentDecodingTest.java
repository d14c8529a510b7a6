package dev.ix.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PercentDecodingTest {
    private static String decode(String s, boolean plusIsSpace) {
        byte[] b = ("xx" + s + "yy").getBytes(StandardCharsets.US_ASCII); // an offset range, as in a head
        return PercentDecoding.decode(b, 2, b.length - 2, plusIsSpace);
    }

    private static boolean wellFormed(String s) {
        byte[] b = ("xx" + s + "%").getBytes(StandardCharsets.US_ASCII); // a '%' just past the range is not read
        return PercentDecoding.wellFormed(b, 2, b.length - 1);
    }

    @Test
    void decodesEscapesAsUtf8() {
        assertThat(decode("caf%C3%A9%20%e2%82%ac", false)).isEqualTo("caf\u00e9 \u20ac");
        assertThat(decode("%2F%25%00", false)).isEqualTo("/%\0");
    }

    @Test
    void keepsPlusInPathsAndMakesItASpaceInQueries() {
        assertThat(decode("a+b%2B", false)).isEqualTo("a+b+");
        assertThat(decode("a+b%2B", true)).isEqualTo("a b+");
    }

    @Test
    void returnsPartsWithoutEscapesAsTheyAre() {
        assertThat(decode("plain-segment_1.~", false)).isEqualTo("plain-segment_1.~");
        assertThat(decode("", true)).isEmpty();
        assertThat(wellFormed("plain")).isTrue();
        assertThat(wellFormed("")).isTrue();
    }

    @Test
    void replacesInvalidUtf8WithTheReplacementCharacter() {
        assertThat(decode("a%FFb", false)).isEqualTo("a\ufffdb");
        assertThat(wellFormed("a%FFb")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%4", "a%2", "%G1", "%1G", "%%41", "ok%20then%zz"})
    void rejectsMalformedEscapes(String s) {
        assertThat(wellFormed(s)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> decode(s, false))
                .withMessageContaining("malformed percent-encoding");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%41", "a%2fb", "%25%25", "x%7E"})
    void acceptsWellFormedEscapes(String s) {
        assertThat(wellFormed(s)).isTrue();
    }
}
