package dev.ix.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NginxPeerTest {

    private static final Path WORK = Path.of("/var/tmp/ix bench");

    @Test
    void configuration() {
        String conf = NginxPeer.config(new PeerConfig("127.0.0.1", 18080, 1, null, WORK), WORK, Set.of());

        assertThat(conf)
                .contains("worker_processes 1;", "daemon off;", "master_process off;")
                .contains("pid \"/var/tmp/ix bench/nginx.pid\";")
                .contains("error_log stderr warn;")
                .containsPattern("events \\{\\s+worker_connections 65536;\\s+}")
                .contains("access_log off;", "keepalive_requests 1000000000;")
                .contains("listen 127.0.0.1:18080 backlog=1024;")
                .containsPattern("location = /plaintext \\{\\s+default_type text/plain;\\s+"
                        + "return 200 \"Hello, World!\";\\s+}")
                .containsPattern("location = /json \\{\\s+default_type application/json;\\s+"
                        + "return 200 '\\{\"message\":\"Hello, World!\"}';\\s+}")
                .contains("client_body_temp_path \"/var/tmp/ix bench/nginx-temp/client_body\";",
                        "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path");
    }

    @Test
    void directivesOfModulesTheBinaryLacksAreLeftOut() {
        String conf = NginxPeer.config(new PeerConfig("::1", 18080, 1, null, WORK), WORK, Set.of("uwsgi", "scgi"));

        assertThat(conf).contains("listen [::1]:18080 backlog=1024;", "proxy_temp_path", "fastcgi_temp_path")
                .doesNotContain("uwsgi_temp_path", "scgi_temp_path");
    }

    @Test
    void oneProcessOnly() {
        NginxPeer nginx = new NginxPeer();

        assertThat(nginx.unsupported(new PeerConfig("127.0.0.1", 18080, 1, null, WORK))).isEmpty();
        assertThat(nginx.unsupported(new PeerConfig("127.0.0.1", 18080, 2, null, WORK)))
                .hasValueSatisfying(why -> assertThat(why).contains("1 thread"));
        assertThat(nginx.countsAllocations()).isFalse();
    }

    @Test
    void commandWritesTheConfigurationIntoTheWorkDirectory(@TempDir Path workDir) throws Exception {
        NginxPeer nginx = new NginxPeer();
        assumeTrue(nginx.unavailable().isEmpty(), () -> nginx.unavailable().orElseThrow());

        List<String> command = nginx.command(new PeerConfig("127.0.0.1", 18080, 1, "1", workDir));

        Path conf = workDir.toAbsolutePath().resolve("nginx.conf");
        assertThat(command).startsWith("taskset", "-c", "1")
                .endsWith("-p", workDir.toAbsolutePath().toString(), "-c", conf.toString());
        assertThat(command.get(3)).endsWith("nginx");
        assertThat(Files.readString(conf)).contains("listen 127.0.0.1:18080");
        Process test = new ProcessBuilder(command.get(3), "-t", "-p", workDir.toString(), "-c", conf.toString())
                .redirectErrorStream(true).start();
        String said = new String(test.getInputStream().readAllBytes());
        assertThat(test.waitFor()).as(said).isZero();
    }

    @Test
    void unavailableWithoutNginxSaysHowToInstallIt() {
        new NginxPeer().unavailable().ifPresent(why -> assertThat(why).contains("install-tools.sh"));
    }

    @Test
    void commandRefusesMoreThanOneThread(@TempDir Path workDir) {
        assertThatThrownBy(() -> new NginxPeer().command(new PeerConfig("127.0.0.1", 18080, 2, null, workDir)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
