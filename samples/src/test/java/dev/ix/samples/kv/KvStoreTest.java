package dev.ix.samples.kv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's memory bound, LRU eviction, expiry and flush, driven through the text protocol with a set clock. */
class KvStoreTest {
    private static final int MB = 1 << 20;

    private static String set(String key, int length) {
        return "set " + key + " 0 0 " + length + "\r\n" + "v".repeat(length) + "\r\n";
    }

    @Test
    void staysWithinOneMegabyteByEvictingTheLeastRecentlyUsed() {
        try (KvSession s = new KvSession(MB, MB)) {
            s.send(set("first", 1000));
            for (int i = 0; i < 5000; i++) {
                assertThat(s.send(set("key" + i, 1000))).isEqualTo("STORED\r\n");
                if (i % 100 == 0) {
                    // Read often, so it stays at the LRU's head while everything else ages.
                    assertThat(s.send("get first\r\n")).startsWith("VALUE first");
                }
                assertThat(s.store.usedBytes()).isLessThanOrEqualTo(MB);
            }
            assertThat(s.store.evictions()).isPositive();
            assertThat(s.store.currentItems()).isBetween(500L, 1000L);
            assertThat(s.send("get key0\r\n")).as("the oldest is gone").isEqualTo("END\r\n");
            assertThat(s.send("get key4999\r\n")).as("the newest is there").startsWith("VALUE key4999");
            assertThat(s.send("get first\r\n")).as("a recently used one survived").startsWith("VALUE first");
        }
    }

    @Test
    void storesAnItemAsLargeAsTheWholeLimitByEvictingEverything() {
        // memcached 1.6.18 with -I 1m stores "set big 0 0 1048514" and refuses one byte more: header, key, NUL, CRLF.
        int largest = MB - KvStore.ITEM_HEADER - "big".length() - 1 - 2;
        try (KvSession s = new KvSession(MB, MB)) {
            for (int i = 0; i < 10; i++) {
                s.send(set("small" + i, 100));
            }
            assertThat(s.send(set("big", largest))).isEqualTo("STORED\r\n");
            assertThat(s.store.currentItems()).isEqualTo(1);
            assertThat(s.send(set("big", largest + 1))).isEqualTo("SERVER_ERROR object too large for cache\r\n");
            assertThat(s.store.currentItems()).as("a refused set drops the old value").isZero();
        }
    }

    @Test
    void expiresRelativeAbsoluteAndNegativeTimes() {
        try (KvSession s = new KvSession(MB, MB)) {
            long now = s.clock.get();
            s.send("set rel 0 10 1\r\nx\r\nset abs 0 " + (now + 20) + " 1\r\nx\r\nset neg 0 -1 1\r\nx\r\n"
                    + "set past 0 " + (now - 5) + " 1\r\nx\r\nset never 0 0 1\r\nx\r\n");
            assertThat(s.send("get neg past\r\n")).isEqualTo("END\r\n");
            assertThat(s.send("get rel abs never\r\n")).contains("VALUE rel", "VALUE abs", "VALUE never");
            s.clock.addAndGet(10);
            assertThat(s.send("get rel abs\r\n")).doesNotContain("VALUE rel").contains("VALUE abs");
            assertThat(s.send("touch abs 100\r\n")).isEqualTo("TOUCHED\r\n");
            s.clock.addAndGet(50);
            assertThat(s.send("get abs never\r\n")).contains("VALUE abs", "VALUE never");
            assertThat(s.send("mg abs t\r\n")).isEqualTo("HD t50\r\n");
            assertThat(s.send("mg never t\r\n")).isEqualTo("HD t-1\r\n");
            assertThat(s.send("add rel 0 0 1\r\ny\r\n")).as("an expired key can be added").isEqualTo("STORED\r\n");
        }
    }

    @Test
    void flushAllNowOrAfterADelay() {
        try (KvSession s = new KvSession(MB, MB)) {
            s.send("set a 0 0 1\r\nx\r\n");
            assertThat(s.send("flush_all\r\nget a\r\nset b 0 0 1\r\ny\r\nget b\r\n"))
                    .isEqualTo("OK\r\nEND\r\nSTORED\r\nVALUE b 0 1\r\ny\r\nEND\r\n");
            s.clock.addAndGet(5);
            assertThat(s.send("flush_all 10\r\nget b\r\n")).isEqualTo("OK\r\nVALUE b 0 1\r\ny\r\nEND\r\n");
            s.clock.addAndGet(10);
            assertThat(s.send("get b\r\n")).isEqualTo("END\r\n");
        }
    }

    @Test
    void freesEveryItemAtClose() {
        KvSession s = new KvSession(MB, MB);
        for (int i = 0; i < 100; i++) {
            s.send(set("k" + i, 10 * i));
        }
        assertThat(s.store.activeAllocations()).isEqualTo(100);
        s.close();
        assertThat(s.store.activeAllocations()).isZero();
        assertThat(s.store.usedBytes()).isZero();
    }
}
