package dev.ix.bench.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a Java peer: the JVM running the harness, its classpath (which holds the samples, Reactor
 * Netty and this module), and the same heap and GC settings for every peer so that none wins by its JVM flags.
 */
final class JavaCommand {

    /**
     * A fixed, pre-touched heap keeps page faults and heap resizing out of the measured window. Netty's leak detector
     * is off, as on a server deployed for speed: at its default level it samples one buffer in 128 (one receive in
     * 128 on ix) with a stack trace where it is made and another where it is released, about 2 KB each time, which
     * the harness would count as the server's allocation per request (ix-http: 14-20 B per request with it, under
     * 0.1 B without) and which collects the heap of a server that otherwise allocates nothing.
     */
    static final List<String> JVM_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC",
            "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-Dio.netty.leakDetection.level=disabled");

    private JavaCommand() {
    }

    static List<String> of(PeerConfig config, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(config.pinning());
        command.add(java());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** The standard arguments of every Java peer's {@code main}. */
    static List<String> serverArgs(PeerConfig config) {
        return List.of("--host", config.host(), "--port", Integer.toString(config.port()),
                "--threads", Integer.toString(config.threads()));
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
