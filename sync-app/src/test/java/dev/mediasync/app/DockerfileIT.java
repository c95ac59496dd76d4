package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.server.ServerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile cannot be built here (no Docker engine, no registry), so this checks what it
 * relies on: every COPY source exists after {@code package} (the shaded jar, runnable), the user is
 * not root, EXPOSE and the port env match the default port, and the health check probes {@code
 * /health}. Runs as an IT because the jar exists only after the package phase.
 */
class DockerfileIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void dockerfile_copiesTheBuiltJar_runsAsNonRoot_exposesTheDefaultPort() throws IOException {
    List<String> lines = instructions(ROOT.resolve("Dockerfile"));
    assertThat(lines.get(0)).startsWith("FROM eclipse-temurin:17");

    List<String> copies = lines.stream().filter(l -> l.startsWith("COPY ")).toList();
    assertThat(copies).isNotEmpty();
    for (String copy : copies) {
      String[] parts = copy.split("\\s+");
      for (int i = 1; i < parts.length - 1; i++) {
        assertThat(ROOT.resolve(parts[i])).as("COPY source %s", parts[i]).exists();
      }
    }
    Path jar = ROOT.resolve("sync-app/target/sync-app.jar");
    assertThat(copies).anyMatch(c -> c.contains("sync-app/target/sync-app.jar"));
    try (JarFile j = new JarFile(jar.toFile())) {
      assertThat(j.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(Main.class.getName());
      assertThat(j.getEntry("io/opentelemetry/sdk/OpenTelemetrySdk.class")).isNotNull();
    }

    String user =
        lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    String uid = user.substring(5).trim();
    assertThat(uid).isNotIn("root", "0").matches("[0-9]+");
    assertThat(Integer.parseInt(uid)).isGreaterThanOrEqualTo(10000);

    String port = Integer.toString(ServerOptions.DEFAULT_PORT);
    assertThat(lines).contains("EXPOSE " + port);
    assertThat(String.join("\n", lines)).contains("SYNC_PORT=" + port);
    String health =
        lines.stream().filter(l -> l.startsWith("HEALTHCHECK ")).findFirst().orElseThrow();
    assertThat(health).contains("http://127.0.0.1:" + port + "/health ");
    assertThat(lines.get(lines.size() - 1)).contains("/app/sync-app.jar");
  }

  @Test
  void deployFiles_probeReadinessAndLiveness_andShareTheJwtSecret() throws IOException {
    String k8s = Files.readString(ROOT.resolve("deploy/kubernetes.yaml"));
    assertThat(k8s)
        .contains("replicas: 2")
        .contains("path: /health/ready")
        .contains("path: /health,")
        .contains("secretRef: {name: media-sync}")
        .contains("runAsUser: 10001");
    String compose = Files.readString(ROOT.resolve("deploy/docker-compose.yml"));
    assertThat(compose)
        .contains("SYNC_DATABASE_URL")
        .contains("SYNC_REDIS_URL")
        .contains("SYNC_JWT_SECRET")
        .contains("node1:")
        .contains("node2:");
  }

  /** The Dockerfile's instructions, comments dropped and continuation lines joined. */
  private static List<String> instructions(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      out.add(current.toString().replaceAll("\\s+", " "));
      current.setLength(0);
    }
    return out;
  }
}
