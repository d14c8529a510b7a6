package dev.ix.bench.scale;

import dev.ix.bench.measure.ProcStat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The server's memory at one moment, taken before and after opening the idle connections: the difference divided
 * by the connections is the memory each one costs.
 *
 * @param rssBytes       the server's resident set ({@code VmRSS}); its heap is pre-touched ({@code
 *                       -XX:+AlwaysPreTouch}), so growth is native memory
 * @param heapLiveBytes  the server's live heap after a full GC ({@code jcmd GC.class_histogram}), if measured
 * @param kernelBytes    slab memory in use on the whole machine ({@code /proc/slabinfo}, {@code /proc}'s inode cache
 *                       left out), if readable: both ends of every loopback connection, the client's and the
 *                       server's
 * @param serverFiles    the server's open file descriptors
 */
record ServerSnapshot(long rssBytes, OptionalLong heapLiveBytes, OptionalLong kernelBytes, long serverFiles) {

    private static final long JCMD_TIMEOUT_SECONDS = 120;
    /** The slab cache of {@code /proc} inodes. */
    static final String PROC_INODES = "proc_inode_cache";

    /**
     * Reads the snapshot of process {@code pid}. With {@code heap} it first runs {@code jcmd PID GC.class_histogram},
     * which makes the server do a full GC (do not take it in a measured latency window); the RSS is read after it, so
     * native memory that only garbage held (cleaners, automatic arenas) is not counted either.
     *
     * @throws IllegalStateException if the process is gone
     */
    static ServerSnapshot take(long pid, boolean heap) throws InterruptedException {
        OptionalLong live = heap ? liveHeap(pid) : OptionalLong.empty();
        long rss = ProcStat.rssBytes(pid);
        OptionalLong kernel = slabBytes();
        long files = openFiles(pid); // after the slab: listing /proc/PID/fd makes a proc inode per descriptor
        return new ServerSnapshot(rss, live, kernel, files);
    }

    /** @return {@code after - before} of each figure; an optional one only when both have it */
    ServerSnapshot minus(ServerSnapshot before) {
        return new ServerSnapshot(rssBytes - before.rssBytes, minus(heapLiveBytes, before.heapLiveBytes),
                minus(kernelBytes, before.kernelBytes), serverFiles - before.serverFiles);
    }

    /**
     * @param histogram the output of {@code jcmd PID GC.class_histogram}
     * @return the bytes of its {@code Total} line, or empty if it has none
     */
    static OptionalLong histogramTotal(String histogram) {
        List<String> lines = histogram.lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            String[] fields = lines.get(i).trim().split("\\s+");
            if (fields.length == 3 && fields[0].equals("Total")) {
                try {
                    return OptionalLong.of(Long.parseLong(fields[2]));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * @param slabinfo the content of {@code /proc/slabinfo} (version 2.1)
     * @return the sum over its caches of active objects × object size, bytes, {@value #PROC_INODES} left out (it
     *         caches {@code /proc} entries, and grows by one per descriptor whenever anything lists a process's
     *         {@code /proc/PID/fd}); empty if it has no cache line
     */
    static OptionalLong slabBytes(String slabinfo) {
        long total = 0;
        boolean any = false;
        for (String line : slabinfo.split("\n")) {
            if (line.startsWith("slabinfo") || line.startsWith("#") || line.isBlank()) {
                continue;
            }
            // name <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables ... : slabdata ...
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 4 || fields[0].equals(PROC_INODES)) {
                continue;
            }
            try {
                total += Long.parseLong(fields[1]) * Long.parseLong(fields[3]);
                any = true;
            } catch (NumberFormatException e) {
                // not a cache line
            }
        }
        return any ? OptionalLong.of(total) : OptionalLong.empty();
    }

    private static OptionalLong slabBytes() {
        try {
            return slabBytes(SystemLimits.readProc(Path.of("/proc/slabinfo")));
        } catch (IOException e) {
            return OptionalLong.empty(); // readable by root only
        }
    }

    private static OptionalLong liveHeap(long pid) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return OptionalLong.empty();
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return OptionalLong.empty();
            }
            return p.exitValue() == 0 ? histogramTotal(new String(output, StandardCharsets.UTF_8))
                    : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private static long openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the file descriptors of process " + pid + ": " + e);
        }
    }

    private static OptionalLong minus(OptionalLong after, OptionalLong before) {
        return after.isPresent() && before.isPresent() ? OptionalLong.of(after.getAsLong() - before.getAsLong())
                : OptionalLong.empty();
    }
}
