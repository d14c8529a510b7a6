package dev.ix.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HttpLimitsTest {

    @Test
    void defaultsToNginxLikeLimits() {
        HttpLimits limits = HttpLimits.DEFAULT;
        assertThat(limits.maxRequestLineLength()).isEqualTo(8192);
        assertThat(limits.maxHeaderSize()).isEqualTo(8192);
        assertThat(limits.maxHeaderCount()).isEqualTo(100);
        assertThat(limits.maxBodySize()).isEqualTo(1024 * 1024);
        assertThat(limits.maxChunkLineLength()).isEqualTo(1024);
    }

    @Test
    void rejectsValuesOutOfRangeNamingTheRange() {
        assertThatIllegalArgumentException().isThrownBy(() -> HttpLimits.DEFAULT.withMaxRequestLineLength(15))
                .withMessage("maxRequestLineLength: 15 (expected: 16..1048576)");
        assertThatIllegalArgumentException().isThrownBy(() -> HttpLimits.DEFAULT.withMaxHeaderSize(1))
                .withMessage("maxHeaderSize: 1 (expected: 2..1048576)");
        assertThatIllegalArgumentException().isThrownBy(() -> HttpLimits.DEFAULT.withMaxHeaderCount(0))
                .withMessage("maxHeaderCount: 0 (expected: 1..10000)");
        assertThatIllegalArgumentException().isThrownBy(() -> HttpLimits.DEFAULT.withMaxBodySize(-1))
                .withMessage("maxBodySize: -1 (expected: 0..9223372036854775807)");
        assertThatIllegalArgumentException().isThrownBy(() -> HttpLimits.DEFAULT.withMaxChunkLineLength(0))
                .withMessage("maxChunkLineLength: 0 (expected: 1..1048576)");
    }

    @Test
    void changesOneLimitAtATime() {
        HttpLimits limits = HttpLimits.DEFAULT.withMaxBodySize(10).withMaxHeaderCount(5);
        assertThat(limits).isEqualTo(new HttpLimits(8192, 8192, 5, 10, 1024));
    }
}
