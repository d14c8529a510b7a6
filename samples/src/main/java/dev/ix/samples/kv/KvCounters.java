package dev.ix.samples.kv;

/**
 * Command counters of one loop, written by that loop's connections only (plain fields: no atomic operation on the
 * request path) and summed by {@code stats}, which may read a count a moment old.
 */
final class KvCounters {
    long cmdGet;
    long cmdSet;
    long cmdFlush;
    long cmdTouch;
    long getHits;
    long getMisses;
    long deleteHits;
    long deleteMisses;
    long incrHits;
    long incrMisses;
    long decrHits;
    long decrMisses;
    long casHits;
    long casMisses;
    long casBadval;
    long touchHits;
    long touchMisses;
}
