package dev.ix.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpStatusTest {
    @Test
    void returnsTheOneInstanceOfEachCode() {
        assertThat(HttpStatus.of(200)).isSameAs(HttpStatus.OK);
        assertThat(HttpStatus.of(404)).isSameAs(HttpStatus.NOT_FOUND);
        assertThat(HttpStatus.of(418)).isSameAs(HttpStatus.of(418));
    }

    @Test
    void encodesAnHttp11StatusLineWithCrlf() {
        assertThat(line(HttpStatus.OK)).isEqualTo("HTTP/1.1 200 OK\r\n");
        assertThat(line(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE))
                .isEqualTo("HTTP/1.1 431 Request Header Fields Too Large\r\n");
        assertThat(line(HttpStatus.of(308))).isEqualTo("HTTP/1.1 308 Permanent Redirect\r\n");
    }

    @Test
    void givesUnregisteredCodesAnEmptyReasonPhrase() {
        assertThat(HttpStatus.of(299).reasonPhrase()).isEmpty();
        assertThat(line(HttpStatus.of(299))).isEqualTo("HTTP/1.1 299 \r\n");
        assertThat(HttpStatus.of(299)).hasToString("299");
        assertThat(HttpStatus.NOT_FOUND).hasToString("404 Not Found");
    }

    @Test
    void refusesCodesOutside100To599() {
        assertThatThrownBy(() -> HttpStatus.of(99)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("status code: 99 (expected: 100..599)");
        assertThatThrownBy(() -> HttpStatus.of(600)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void permitsContentExceptFor1xx204And304() {
        assertThat(HttpStatus.CONTINUE.permitsContent()).isFalse();
        assertThat(HttpStatus.NO_CONTENT.permitsContent()).isFalse();
        assertThat(HttpStatus.NOT_MODIFIED.permitsContent()).isFalse();
        assertThat(HttpStatus.OK.permitsContent()).isTrue();
        assertThat(HttpStatus.of(205).permitsContent()).isTrue();
        assertThat(HttpStatus.NOT_FOUND.permitsContent()).isTrue();
    }

    private static String line(HttpStatus status) {
        return new String(status.statusLine(), StandardCharsets.US_ASCII);
    }
}
