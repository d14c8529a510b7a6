package dev.ix.bench.measure;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds the external programs the harness runs (perf, wrk, nginx). Stateless and thread-safe. */
public final class Executables {

    /** Debian installs servers such as nginx here and leaves it off a normal user's {@code PATH}. */
    private static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

    private Executables() {
    }

    /**
     * @param name a program name without a directory, e.g. {@code wrk}
     * @return the first executable file of that name on {@code PATH}, then in the sbin directories; empty if none
     */
    public static Optional<Path> find(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
