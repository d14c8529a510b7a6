package dev.ix.bench.peer;

import dev.ix.bench.measure.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx answering the two routes from constant strings ({@code return 200 "..."}), as a native, non-Netty reference
 * point. It runs as a single process ({@code master_process off}) so that the pid the harness measures is the one
 * that serves; it therefore supports one thread only. It has no allocation counter.
 */
final class NginxPeer implements Peer {

    static final String NAME = "nginx";

    private static final Pattern WITHOUT_MODULE = Pattern.compile("--without-http_([a-z0-9_]+)_module");

    /**
     * Temporary-file directories nginx creates when it starts, whether or not they are used, each with the module
     * that defines its directive ({@code <module>_temp_path}).
     */
    private static final List<String> TEMP_PATH_MODULES = List.of("client_body", "proxy", "fastcgi", "uwsgi",
            "scgi");

    private volatile Set<String> missingModules;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unavailable() {
        return executable().isPresent() ? Optional.empty()
                : Optional.of("nginx is not installed: run sudo benchmarks/install-tools.sh (Debian package nginx)");
    }

    @Override
    public Optional<String> unsupported(PeerConfig config) {
        return config.threads() == 1 ? Optional.empty() : Optional.of("nginx runs here as one process (master_process "
                + "off, so that its pid is the one that serves and is measured): run it with 1 thread, not "
                + config.threads());
    }

    @Override
    public List<String> command(PeerConfig config) throws IOException {
        unsupported(config).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        Path nginx = executable().orElseThrow(() -> new IllegalStateException(unavailable().orElseThrow()));
        Path workDir = config.workDir().toAbsolutePath();
        Files.createDirectories(workDir.resolve("nginx-temp"));
        Path conf = workDir.resolve("nginx.conf");
        Files.writeString(conf, config(config, workDir, missingModules(nginx)), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(config.pinning());
        command.addAll(List.of(nginx.toString(), "-p", workDir.toString(), "-c", conf.toString()));
        return command;
    }

    @Override
    public boolean countsAllocations() {
        return false;
    }

    @Override
    public String toString() {
        return NAME;
    }

    /**
     * The nginx.conf for one run. Everything nginx writes (pid, temporary files) goes to {@code workDir} and errors to
     * stderr, so it runs without root and without touching the system's nginx.
     *
     * @param missingModules modules the binary was built without (from {@code nginx -V}); their directives are left
     *                       out
     */
    static String config(PeerConfig config, Path workDir, Set<String> missingModules) {
        String host = config.host();
        String listen = (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":"
                + config.port();
        StringBuilder temp = new StringBuilder();
        for (String module : TEMP_PATH_MODULES) {
            if (!missingModules.contains(module)) {
                temp.append("    ").append(module).append("_temp_path ")
                        .append(quoted(workDir.resolve("nginx-temp").resolve(module))).append(";\n");
            }
        }
        return """
                # Written by the ix benchmark harness for one run of the nginx peer.
                worker_processes 1;
                daemon off;
                master_process off;
                pid %s;
                error_log stderr warn;

                events {
                    worker_connections 65536;
                }

                http {
                    access_log off;
                    keepalive_requests 1000000000;
                %s
                    server {
                        # The same accept backlog as the Java peers' SO_BACKLOG.
                        listen %s backlog=1024;

                        location = /plaintext {
                            default_type text/plain;
                            return 200 "Hello, World!";
                        }

                        location = /json {
                            default_type application/json;
                            return 200 '{"message":"Hello, World!"}';
                        }
                    }
                }
                """.formatted(quoted(workDir.resolve("nginx.pid")), temp, listen);
    }

    private static String quoted(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Optional<Path> executable() {
        return Executables.find("nginx");
    }

    private Set<String> missingModules(Path nginx) throws IOException {
        Set<String> result = missingModules;
        if (result == null) {
            result = withoutModules(nginx);
            missingModules = result;
        }
        return result;
    }

    /** The {@code --without-http_X_module} options {@code nginx -V} reports it was configured with. */
    private static Set<String> withoutModules(Path nginx) throws IOException {
        Process version = new ProcessBuilder(nginx.toString(), "-V").redirectErrorStream(true).start();
        String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!version.waitFor(10, TimeUnit.SECONDS)) {
                version.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Set<String> modules = new TreeSet<>();
        Matcher m = WITHOUT_MODULE.matcher(text);
        while (m.find()) {
            modules.add(m.group(1));
        }
        return modules;
    }
}
