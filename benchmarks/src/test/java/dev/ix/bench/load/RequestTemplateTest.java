package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTemplateTest {

    @Test
    void slicesHoldWholeRequestsBackToBack() {
        RequestTemplate t = RequestTemplate.of(URI.create("http://localhost:8080/plaintext"), List.of(), 3);
        try {
            String one = "GET /plaintext HTTP/1.1\r\nHost: localhost:8080\r\n\r\n";
            ByteBuf two = t.requests(0, 2);
            try {
                assertThat(two.toString(StandardCharsets.US_ASCII)).isEqualTo(one + one);
            } finally {
                two.release();
            }
            assertThatThrownBy(() -> t.requests(0, 4)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> t.requests(0, 0)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            t.release();
        }
    }

    @Test
    void headersAreAddedAndAHostHeaderReplacesTheDefault() {
        RequestTemplate t = RequestTemplate.of(URI.create("http://[::1]/"), List.of("Host: example.org",
                " Accept: */* "), 1);
        try {
            ByteBuf one = t.requests(0, 1);
            try {
                assertThat(one.toString(StandardCharsets.US_ASCII))
                        .isEqualTo("GET / HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n");
            } finally {
                one.release();
            }
        } finally {
            t.release();
        }
        assertThat(Target.of(URI.create("http://[::1]/")).authority()).isEqualTo("[::1]:80");
    }
}
