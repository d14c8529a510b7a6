package dev.ix.bench.jmh;

import java.io.IOException;

/**
 * Runs the JMH benchmarks found in {@code META-INF/BenchmarkList} with JMH's own command line, e.g.
 * {@code JmhMain -prof gc 'dev.ix.bench.jmh.*'}; {@code -h} lists the options. The JVM needs
 * {@code --enable-native-access=ALL-UNNAMED}; the forks add it themselves ({@code @Fork(jvmArgsAppend)}).
 */
public final class JmhMain {
    private JmhMain() {
    }

    /**
     * @param args JMH's command line: options, then the benchmarks to run as regular expressions (all when none)
     * @throws IOException when JMH cannot read its benchmark list or write its output
     */
    public static void main(String[] args) throws IOException {
        org.openjdk.jmh.Main.main(args);
    }
}
