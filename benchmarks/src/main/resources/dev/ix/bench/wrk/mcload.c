/*
 * mcload: an open-loop memcached text-protocol load generator in C, the kv benchmark's second opinion on latency.
 * Independent of the harness's Java generator (its own event loop, no JVM, no garbage collector), it sends the
 * requests of a file the harness wrote, on a fixed schedule over all connections, and measures each response from
 * the request's intended send time, so a stall of the server shows in full (no coordinated omission, as in wrk2).
 *
 * usage: mcload HOST PORT RATE LEAD_IN SECONDS CONNECTIONS REQUEST_FILE
 *   RATE         requests per second over all connections (> 0)
 *   LEAD_IN      seconds of the same load, on the same connections, before the measured window of SECONDS: what a
 *                server does when connections are new (accepting them, its JIT meeting new paths) stays out of it
 *   REQUEST_FILE requests, each a 4-byte little-endian length then a whole memcached command (get or set with its
 *                data); sent in order, round robin over the connections, from the start again when all were sent
 *
 * Output (stdout), one "key value" per line: requests, unsent, errors, misses, timeouts, send_lag_p99_us, max_lag_us,
 * then "latency_us VALUE COUNT" for every latency (µs) recorded, in increasing order. Exit 0; 2 for bad arguments
 * or a file it cannot read; 3 when a connection fails (the reason on stderr).
 *
 * It polls its sockets without sleeping: it keeps its CPU busy, so that a wake-up never delays a send or a receive.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Latencies up to FINE_LIMIT µs are kept to the µs; above, to the ms up to COARSE_LIMIT ms. */
#define FINE_LIMIT 100000
#define COARSE_LIMIT 600000
/* How long the answers to requests sent before the window's end are waited for, ns. */
#define DRAIN_NANOS 2000000000L

typedef struct {
    int fd;
    /* Intended send times of the requests in flight, a ring. */
    int64_t *due;
    uint32_t head, tail, capacity;
    /* Bytes queued for writing. */
    char *out;
    size_t out_len, out_cap;
    /* Response parsing: the current line, and the data bytes of a VALUE still to skip. */
    char line[1024];
    size_t line_len;
    long skip;
    /* Whether the response being read has had a VALUE: an END without one answers a GET of a missing key. */
    int had_value;
} conn;

static uint64_t fine[FINE_LIMIT + 1];
static uint64_t coarse[COARSE_LIMIT + 1];
static uint64_t lag_fine[FINE_LIMIT + 1];
static uint64_t lags, errors, misses, completed;
/* Requests intended before this time are sent and answered but not measured (the lead-in). */
static int64_t window_start;

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000L + t.tv_nsec;
}

static void record(uint64_t *f, uint64_t *c, int64_t nanos) {
    int64_t us = nanos < 0 ? 0 : nanos / 1000;
    if (us <= FINE_LIMIT) {
        f[us]++;
    } else if (c != NULL) {
        int64_t ms = us / 1000;
        c[ms > COARSE_LIMIT ? COARSE_LIMIT : ms]++;
    } else {
        f[FINE_LIMIT]++;
    }
}

static void die(int code, const char *what) {
    fprintf(stderr, "mcload: %s\n", what);
    exit(code);
}

static void push_due(conn *c, int64_t t) {
    if (c->tail - c->head == c->capacity) {
        uint32_t n = c->capacity * 2;
        int64_t *d = malloc(sizeof(int64_t) * n);
        if (d == NULL) die(3, "out of memory");
        for (uint32_t i = 0; i < c->capacity; i++) d[i] = c->due[(c->head + i) % c->capacity];
        free(c->due);
        c->due = d;
        c->tail = c->capacity;
        c->head = 0;
        c->capacity = n;
    }
    c->due[c->tail++ % c->capacity] = t;
}

static void complete(conn *c, int64_t at) {
    if (c->head == c->tail) {
        errors++; /* an answer to nothing asked: counted, not timed */
        return;
    }
    int64_t due = c->due[c->head++ % c->capacity];
    if (due >= window_start) {
        record(fine, coarse, at - due);
        completed++;
    }
}

/* One whole response line (without CRLF); a VALUE line is followed by its data, skipped. */
static void on_line(conn *c, int64_t at) {
    char *l = c->line;
    size_t n = c->line_len;
    if (n >= 6 && memcmp(l, "VALUE ", 6) == 0) {
        /* VALUE <key> <flags> <bytes> [<cas>]: the fourth field is the data length. */
        l[n] = 0;
        char *field = l;
        for (int i = 0; i < 3 && field != NULL; i++) {
            field = strchr(field, ' ');
            if (field != NULL) field++;
        }
        c->skip = field == NULL ? 0 : strtol(field, NULL, 10) + 2;
        c->had_value = 1;
        return;
    }
    int measured = c->head != c->tail && c->due[c->head % c->capacity] >= window_start;
    if (n == 3 && memcmp(l, "END", 3) == 0) {
        if (!c->had_value && measured) misses++;
        c->had_value = 0;
        complete(c, at);
    } else if ((n == 6 && memcmp(l, "STORED", 6) == 0)) {
        complete(c, at);
    } else {
        /* NOT_STORED, EXISTS, NOT_FOUND, ERROR, CLIENT_ERROR ..., SERVER_ERROR ...: answered, not as asked. */
        if (measured) errors++;
        complete(c, at);
    }
}

static void parse(conn *c, const char *b, long len, int64_t at) {
    long i = 0;
    while (i < len) {
        if (c->skip > 0) {
            long k = len - i < c->skip ? len - i : c->skip;
            c->skip -= k;
            i += k;
            continue;
        }
        char ch = b[i++];
        if (ch == '\n' && c->line_len > 0 && c->line[c->line_len - 1] == '\r') {
            c->line_len--;
            on_line(c, at);
            c->line_len = 0;
        } else if (c->line_len < sizeof c->line - 1) {
            c->line[c->line_len++] = ch;
        }
    }
}

static void queue(conn *c, const char *req, uint32_t len) {
    if (c->out_len + len > c->out_cap) {
        c->out_cap = (c->out_len + len) * 2;
        c->out = realloc(c->out, c->out_cap);
        if (c->out == NULL) die(3, "out of memory");
    }
    memcpy(c->out + c->out_len, req, len);
    c->out_len += len;
}

static void flush(conn *c) {
    while (c->out_len > 0) {
        ssize_t w = send(c->fd, c->out, c->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            perror("mcload: send");
            exit(3);
        }
        memmove(c->out, c->out + w, c->out_len - w);
        c->out_len -= w;
    }
}

static uint64_t percentile(const uint64_t *f, uint64_t total, double p) {
    uint64_t want = (uint64_t) (total * p / 100.0 + 0.5), seen = 0;
    for (long us = 0; us <= FINE_LIMIT; us++) {
        seen += f[us];
        if (seen >= want && seen > 0) return us;
    }
    return FINE_LIMIT;
}

int main(int argc, char **argv) {
    if (argc != 8) {
        die(2, "usage: mcload HOST PORT RATE LEAD_IN SECONDS CONNECTIONS REQUEST_FILE");
    }
    double rate = atof(argv[3]), lead_in = atof(argv[4]), seconds = atof(argv[5]);
    int n = atoi(argv[6]);
    if (!(rate > 0) || !(lead_in >= 0) || !(seconds > 0) || n < 1) {
        die(2, "RATE and SECONDS must be > 0, LEAD_IN >= 0, CONNECTIONS >= 1");
    }

    FILE *f = fopen(argv[7], "rb");
    if (f == NULL) die(2, "cannot read the request file");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *file = malloc(size > 0 ? size : 1);
    if (size <= 0 || fread(file, 1, size, f) != (size_t) size) die(2, "empty or unreadable request file");
    fclose(f);
    long count = 0;
    for (long at = 0; at + 4 <= size; count++) {
        uint32_t len;
        memcpy(&len, file + at, 4);
        at += 4 + len;
        if (at > size) die(2, "request file: a request runs past the end");
    }
    uint32_t *offsets = malloc(sizeof(uint32_t) * count);
    for (long i = 0, at = 0; i < count; i++) {
        offsets[i] = at;
        uint32_t len;
        memcpy(&len, file + at, 4);
        at += 4 + len;
    }

    struct addrinfo hints = {0}, *addr;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(argv[1], argv[2], &hints, &addr) != 0) die(3, "cannot resolve the host");
    int ep = epoll_create1(0);
    conn *cs = calloc(n, sizeof(conn));
    for (int i = 0; i < n; i++) {
        conn *c = &cs[i];
        c->fd = socket(addr->ai_family, SOCK_STREAM, 0);
        if (c->fd < 0 || connect(c->fd, addr->ai_addr, addr->ai_addrlen) != 0) {
            perror("mcload: connect");
            return 3;
        }
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->capacity = 1024;
        c->due = malloc(sizeof(int64_t) * c->capacity);
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t) i};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
    }
    freeaddrinfo(addr);

    static char buf[256 * 1024];
    struct epoll_event events[256];
    double interval = 1e9 / rate;
    int64_t start = now_ns(), end = start + (int64_t) ((lead_in + seconds) * 1e9);
    window_start = start + (int64_t) (lead_in * 1e9);
    uint64_t sent = 0, unsent = 0, timeouts = 0;
    int64_t max_lag = 0;
    long next_request = 0;
    int dirty[n > 0 ? n : 1];
    char is_dirty[n];
    memset(is_dirty, 0, n);
    int64_t drain_end = 0;
    for (;;) {
        int64_t t = now_ns();
        int ndirty = 0;
        /* Everything due by now leaves, each with its intended time. */
        while (t < end) {
            int64_t due = start + (int64_t) (sent * interval);
            if (due > t) break;
            conn *c = &cs[sent % n];
            uint32_t len;
            memcpy(&len, file + offsets[next_request], 4);
            queue(c, file + offsets[next_request] + 4, len);
            next_request = next_request + 1 == count ? 0 : next_request + 1;
            push_due(c, due);
            if (due >= window_start) {
                record(lag_fine, NULL, t - due);
                lags++;
                if (t - due > max_lag) max_lag = t - due;
            }
            if (!is_dirty[sent % n]) {
                is_dirty[sent % n] = 1;
                dirty[ndirty++] = (int) (sent % n);
            }
            sent++;
        }
        for (int i = 0; i < ndirty; i++) {
            is_dirty[dirty[i]] = 0;
            flush(&cs[dirty[i]]);
        }
        if (t >= end) {
            if (drain_end == 0) {
                drain_end = t + DRAIN_NANOS;
                /* What was due by the window's end and not sent is charged from its intended time to the end. */
                for (;;) {
                    int64_t due = start + (int64_t) ((sent + unsent) * interval);
                    if (due >= end) break;
                    record(fine, coarse, end - due);
                    unsent++;
                }
            }
            uint64_t in_flight = 0;
            for (int i = 0; i < n; i++) in_flight += cs[i].tail - cs[i].head;
            if (in_flight == 0) break;
            if (t >= drain_end) {
                for (int i = 0; i < n; i++) {
                    while (cs[i].head != cs[i].tail) {
                        int64_t due = cs[i].due[cs[i].head++ % cs[i].capacity];
                        if (due >= window_start) {
                            record(fine, coarse, t - due);
                            timeouts++;
                        }
                    }
                }
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            if (cs[i].out_len > 0) flush(&cs[i]);
        }
        int ready = epoll_wait(ep, events, 256, 0);
        for (int j = 0; j < ready; j++) {
            conn *c = &cs[events[j].data.u32];
            ssize_t r = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
            if (r == 0) die(3, "the server closed a connection");
            if (r < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) continue;
                perror("mcload: recv");
                return 3;
            }
            parse(c, buf, r, now_ns());
        }
    }
    printf("requests %llu\nunsent %llu\nerrors %llu\nmisses %llu\ntimeouts %llu\n", (unsigned long long) completed,
           (unsigned long long) unsent, (unsigned long long) errors, (unsigned long long) misses,
           (unsigned long long) timeouts);
    printf("send_lag_p99_us %llu\nmax_lag_us %lld\n", (unsigned long long) percentile(lag_fine, lags, 99),
           (long long) (max_lag / 1000));
    for (long us = 0; us <= FINE_LIMIT; us++) {
        if (fine[us]) printf("latency_us %ld %llu\n", us, (unsigned long long) fine[us]);
    }
    for (long ms = FINE_LIMIT / 1000; ms <= COARSE_LIMIT; ms++) {
        if (coarse[ms]) printf("latency_us %ld %llu\n", ms * 1000, (unsigned long long) coarse[ms]);
    }
    return 0;
}
