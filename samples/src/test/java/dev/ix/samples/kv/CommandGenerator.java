package dev.ix.samples.kv;

import java.util.Random;

/**
 * Random batches of memcached commands for {@link MemcachedDifferentialTest}: every text and meta command, noreply,
 * bad lines and numbers, data blocks of the wrong length, oversize values. {@code {CAS:key}} stands for the CAS value
 * the server last reported for the key (each server gets its own). Values are lower case letters and digits, so
 * that no value holds an {@code MN} line.
 */
final class CommandGenerator {
    private static final String[] FLAGS = {"0", "1", "42", "4294967295", "4294967296", "-1", "x"};
    private static final String[] EXPTIMES = {"0", "0", "0", "-1", "100000", "2000000000", "abc"};
    private static final String[] DELTAS = {"1", "5", "100", "18446744073709551615", "18446744073709551616", "-1",
            "abc", "0"};

    private final Random random;
    private int noOps;

    CommandGenerator(Random random) {
        this.random = random;
    }

    /** Number of {@code mn} commands in the last batch. */
    int lastNoOps() {
        return noOps;
    }

    String batch() {
        noOps = 0;
        StringBuilder b = new StringBuilder();
        if (random.nextInt(30) == 0) {
            // Only first: memcached drops the unsent answers before a get whose key is too long.
            b.append("get k1 ").append("x".repeat(251)).append("\r\n");
        }
        int n = 1 + random.nextInt(20);
        for (int i = 0; i < n; i++) {
            b.append(command());
        }
        // A data block announced one byte too long eats the first byte after it: let it be this one, not the mn
        // the test sends after the batch (else neither server would answer it).
        return b.append("version\r\n").toString();
    }

    private String key() {
        return "k" + random.nextInt(25);
    }

    /**
     * A counter key, for incr, decr and ma. Counters are set, counted and deleted but never read back nor appended to:
     * memcached writes a shorter number in place (padded with spaces) only when nothing else holds a reference to the
     * item, and right after a read its LRU maintainer may still hold one (an asynchronous bump), so whether it pads
     * depends on timing. kv always pads, as memcached does when nothing holds the item ({@link KvConnectionTest}
     * checks that against memcached's answer).
     */
    private String keyToCount() {
        return "n" + random.nextInt(6);
    }

    private String value() {
        int kind = random.nextInt(10);
        if (kind < 3) {
            return String.valueOf(random.nextInt(kind == 0 ? 10 : 100_000));
        }
        if (kind == 3) {
            return "18446744073709551615".substring(0, 1 + random.nextInt(20));
        }
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(kind == 9 ? 3000 : 40);
        for (int i = 0; i < length; i++) {
            s.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)));
        }
        return s.toString();
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private String noreply() {
        return random.nextInt(5) == 0 ? " noreply" : "";
    }

    private String command() {
        int c = random.nextInt(100);
        if (c < 25) {
            if (c < 4) {
                return storage("set", keyToCount(), value(), "");
            }
            String[] verbs = {"set", "set", "add", "replace", "append", "prepend"};
            return storage(pick(verbs), key(), value(), "");
        }
        if (c < 30) {
            String k = key();
            String cas = random.nextBoolean() ? "{CAS:" + k + "}" : pick(new String[] {"0", "99999999", "abc"});
            return storage("cas", k, value(), " " + cas);
        }
        if (c < 45) {
            StringBuilder s = new StringBuilder(pick(new String[] {"get", "get", "gets", "gets"}));
            int keys = 1 + random.nextInt(5);
            for (int i = 0; i < keys; i++) {
                s.append(' ').append(key());
            }
            return s.append("\r\n").toString();
        }
        if (c < 48) {
            return pick(new String[] {"gat", "gats"}) + " " + pick(new String[] {"0", "100000", "x"}) + " "
                    + key() + " " + key() + "\r\n";
        }
        if (c < 53) {
            return switch (random.nextInt(4)) {
                case 0 -> "delete " + key() + " 0\r\n";
                case 1 -> "delete " + key() + " 1\r\n";
                default -> "delete " + key() + noreply() + "\r\n";
            };
        }
        if (c < 60) {
            return pick(new String[] {"incr", "decr"}) + " " + keyToCount() + " " + pick(DELTAS) + noreply()
                    + "\r\n";
        }
        if (c < 62) {
            return "touch " + key() + " " + pick(new String[] {"0", "100000", "z"}) + noreply() + "\r\n";
        }
        if (c < 63) {
            return pick(new String[] {"flush_all\r\n", "flush_all 0\r\n", "flush_all noreply\r\n",
                    "flush_all x\r\n"});
        }
        if (c < 65) {
            return pick(new String[] {"version\r\n", "verbosity 1\r\n", "verbosity\r\n", "verbosity x\r\n",
                    "verbosity 0 noreply\r\n"});
        }
        if (c < 70) {
            return pick(new String[] {"bogus\r\n", "\r\n", "GET k1\r\n", "set k1 0 0\r\n", "incr k1\r\n",
                    "set k1 0 0 abc\r\nzz\r\n", "set k1 0 0 3\r\nabcd\r\n", "set k1 0 0 3 1 2 3\r\nabc\r\n",
                    "get " + "a ".repeat(30) + "\r\n", "delete\r\n", "touch k1\r\n", "gets\r\n", "mx\r\n",
                    "ms k1 2 Mz\r\nab\r\n", "mg k1 v v\r\n", "mg k1 Q\r\n", "ma k1 Mx\r\n", "md k1 Z\r\n",
                    "ms k1 abc\r\n", "ms k1\r\n", "ma k1 Dx\r\n", "mg " + "y".repeat(251) + " v\r\n"});
        }
        if (c < 71) {
            return "set " + key() + " 0 0 1100000\r\n" + "o".repeat(1_100_000) + "\r\n";
        }
        if (c < 72) {
            noOps++;
            return "mn\r\n";
        }
        if (c < 82) {
            return "mg " + key() + metaFlags(new String[] {"v", "k", "f", "s", "c", "q", "O7", "Oab", "t",
                    "T100000", "h", "u"}) + "\r\n";
        }
        if (c < 90) {
            String k = key();
            String v = value();
            String flags = metaFlags(new String[] {"T0", "T100000", "F9", "C{CAS:" + k + "}", "C99999999", "I", "q",
                    "O5", "k", "c", "ME", "MA", "MP", "MR", "MS"});
            return "ms " + k + " " + v.length() + flags + "\r\n" + v + "\r\n";
        }
        if (c < 94) {
            String k = key();
            return "md " + k + metaFlags(new String[] {"q", "C{CAS:" + k + "}", "C99999998", "I", "O8", "k", "T100000"})
                    + "\r\n";
        }
        String k = keyToCount();
        return "ma " + k + metaFlags(new String[] {"N0", "N100000", "J7", "D3", "D18446744073709551615", "T0",
                "MI", "MD", "M+", "M-", "q", "O9", "v", "c", "k", "t"}) + "\r\n";
    }

    private String storage(String verb, String key, String value, String cas) {
        StringBuilder s = new StringBuilder(verb).append(' ').append(key).append(' ')
                .append(random.nextInt(4) == 0 ? pick(FLAGS) : "0").append(' ')
                .append(random.nextInt(3) == 0 ? pick(EXPTIMES) : "0").append(' ');
        int declared = value.length();
        String after = "";
        if (random.nextInt(25) == 0 && value.length() < 100) {
            // A data block of the wrong length, then a version whose first byte it may eat. Short only, and never
            // before another data block: the rest would be parsed as a command line, and one over 2048 bytes makes
            // memcached hang up or not depending on how its reads split the bytes.
            declared += random.nextBoolean() ? 1 : -1;
            if (declared < 0) {
                declared = 1;
            }
            after = "version\r\n";
        }
        s.append(declared).append(cas).append(noreply()).append("\r\n").append(value).append("\r\n").append(after);
        return s.toString();
    }

    /** A few distinct flags (by their first letter) in random order; now and then a repeated one. */
    private String metaFlags(String[] options) {
        StringBuilder s = new StringBuilder();
        boolean[] used = new boolean[128];
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            String f = pick(options);
            if (used[f.charAt(0)] && random.nextInt(10) != 0) {
                continue;
            }
            used[f.charAt(0)] = true;
            s.append(' ').append(f);
        }
        return s.toString();
    }
}
