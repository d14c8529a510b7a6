package dev.ix.bench.peer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a given process is the one listening on a TCP port, from {@code /proc/net/tcp{,6}} and the process's file
 * descriptors: a peer that failed to bind because something else holds its port must not pass for ready because that
 * something answers. Stateless and thread-safe.
 */
final class ListeningSockets {

    private static final String LISTEN = "0A";
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private ListeningSockets() {
    }

    /**
     * @return {@code true} if {@code pid} holds a socket listening on {@code port} (any address), or if this machine's
     *         {@code /proc} cannot tell (not Linux, or hidden); {@code false} if it can tell and the process does not
     */
    static boolean ownsOrUnknown(long pid, int port) {
        Set<String> inodes = new HashSet<>();
        boolean readAny = false;
        for (Path table : TABLES) {
            try {
                inodes.addAll(listeningInodes(Files.readAllLines(table), port));
                readAny = true;
            } catch (IOException e) {
                // a kernel without IPv6 has no tcp6 table
            }
        }
        if (!readAny) {
            return true;
        }
        if (inodes.isEmpty()) {
            return false;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            // Gone: not the owner. There but unreadable (another user's, without root): cannot tell.
            return Files.exists(Path.of("/proc", Long.toString(pid)));
        }
    }

    /** Inodes of the sockets in one {@code /proc/net/tcp}-format table that listen on {@code port}. */
    static Set<String> listeningInodes(List<String> table, int port) {
        Set<String> inodes = new HashSet<>();
        for (String line : table) {
            String[] fields = line.trim().split("\\s+");
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
            if (fields.length < 10 || !fields[3].equals(LISTEN)) {
                continue;
            }
            int colon = fields[1].lastIndexOf(':');
            if (colon > 0 && Integer.parseInt(fields[1].substring(colon + 1), 16) == port) {
                inodes.add(fields[9]);
            }
        }
        return inodes;
    }
}
