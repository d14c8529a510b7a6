package dev.ix.http;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Case-insensitive comparison with constants, a word at a time, and the known field names built on it. */
class CaselessTest {
    private static final String[] CONSTANTS = {
        "te", "host", "close", "chunked", "keep-alive", "100-continue", "content-length", "transfer-encoding",
    };

    @Test
    void matchesTheConstantInAnyCaseAtAnyOffset() {
        for (String constant : CONSTANTS) {
            Caseless caseless = new Caseless(constant);
            for (String form : new String[] {constant, constant.toUpperCase(Locale.ROOT), mixedCase(constant)}) {
                for (int offset = 0; offset < Long.BYTES; offset++) {
                    // Room after the bytes (one read per word) and none (the end of the array).
                    for (int room : new int[] {Long.BYTES, 0}) {
                        byte[] bytes = at(form, offset, room);
                        assertThat(caseless.matches(bytes, offset, offset + form.length()))
                                .as("%s at %d, %d after", form, offset, room).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void matchesAtALetterOnlyThatLetterAndElsewhereOnlyTheByteItself() {
        for (String constant : CONSTANTS) {
            Caseless caseless = new Caseless(constant);
            for (int position = 0; position < constant.length(); position++) {
                char c = constant.charAt(position);
                for (int value = 0; value < 256; value++) {
                    byte[] bytes = at(constant, 1, 3);
                    bytes[1 + position] = (byte) value;
                    boolean same = value == c || Character.isLetter(c) && value == Character.toUpperCase(c);
                    assertThat(caseless.matches(bytes, 1, 1 + constant.length()))
                            .as("%s with 0x%02x at %d", constant, value, position).isEqualTo(same);
                }
            }
        }
    }

    @Test
    void foldsNoByteOntoAPunctuationOrDigit() {
        // Setting bit 0x20 of every byte would map CR onto '-' and DC1 onto '1'.
        assertThat(new Caseless("content-length").matches(bytes("content\rlength"), 0, 14)).isFalse();
        assertThat(new Caseless("100-continue").matches(bytes("\u001100-continue"), 0, 12)).isFalse();
    }

    @Test
    void matchesNoOtherLength() {
        Caseless keepAlive = new Caseless("keep-alive");
        byte[] bytes = bytes("keep-alive-x");
        assertThat(keepAlive.matches(bytes, 0, 10)).isTrue();
        assertThat(keepAlive.matches(bytes, 0, 9)).isFalse();
        assertThat(keepAlive.matches(bytes, 0, 11)).isFalse();
        assertThat(keepAlive.matches(bytes, 0, 0)).isFalse();
    }

    @Test
    void rejectsConstantsItCannotCompare() {
        assertThatThrownBy(() -> new Caseless("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Caseless("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Caseless("caf\u00e9")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void knownHeadersMatchTheirNamesInAnyCaseAndNothingElse() {
        String[] names = {
            "", "host", "content-length", "transfer-encoding", "connection", "expect", "content-type", "accept",
            "accept-encoding", "user-agent", "cookie", "authorization", "upgrade", "te",
        };
        for (int id = 1; id < names.length; id++) {
            for (String form : new String[] {names[id], names[id].toUpperCase(Locale.ROOT), mixedCase(names[id])}) {
                byte[] bytes = at(form, 2, 0);
                assertThat(KnownHeaders.match(bytes, 2, bytes.length)).as(form).isEqualTo(id);
                assertThat(KnownHeaders.match(bytes, 2, bytes.length - 1)).as(form).isEqualTo(KnownHeaders.UNKNOWN);
            }
        }
        for (String other : new String[] {"hosts", "hos", "Hast", "X-Host", "content_length", "Content-Lengtj",
                "transfer-encodinG1", "tf", "ho\rt"}) {
            byte[] bytes = bytes(other);
            assertThat(KnownHeaders.match(bytes, 0, bytes.length)).as(other).isEqualTo(KnownHeaders.UNKNOWN);
        }
    }

    @Test
    void knownHeadersMatchFromALinesFirstWordsAsFromItsBytes() {
        String[] names = {
            "host", "content-length", "connection", "expect", "content-type", "accept", "accept-encoding",
            "user-agent", "cookie", "authorization", "upgrade", "te", "x-request-id", "a",
        };
        for (String name : names) {
            for (int position = 0; position < name.length(); position++) {
                for (int value = 0; value < 256; value++) {
                    byte[] line = bytes(mixedCase(name) + ": v");
                    line[position] = (byte) value;
                    int length = name.length();
                    long first = Swar.word(line, 0, line.length);
                    long second = line.length > Long.BYTES ? Swar.word(line, Long.BYTES, line.length) : 0;
                    assertThat(KnownHeaders.match(first, second, length))
                            .as("%s with 0x%02x at %d", name, value, position)
                            .isEqualTo(KnownHeaders.match(line, 0, length));
                }
            }
        }
    }

    /** @return {@code s} at {@code offset} of an array with {@code room} bytes after it */
    private static byte[] at(String s, int offset, int room) {
        byte[] bytes = new byte[offset + s.length() + room];
        System.arraycopy(bytes(s), 0, bytes, offset, s.length());
        return bytes;
    }

    private static String mixedCase(String s) {
        StringBuilder mixed = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            mixed.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
        }
        return mixed.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
