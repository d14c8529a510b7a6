/**
 * kv, a memcached-compatible server on the ix transport: {@link dev.ix.samples.kv.KvServer} (the only public type)
 * starts loops whose connections ({@code KvConnection}) parse memcached's text protocol and meta commands straight
 * from received mbufs ({@code TextProtocol}, {@code MetaCommands}) and answer from one {@code KvStore} shared by
 * every loop: 64 locked stripes, LRU eviction under the {@code -m} bound, items in off-heap pooled buffers. See
 * {@code samples/README.md}.
 */
package dev.ix.samples.kv;
