package dev.mediasync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediasync.app.AppConfig;
import dev.mediasync.app.SyncApp;
import dev.mediasync.server.auth.JwtSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the load generator from rotting: the latency scenario at a small load against the real
 * service in-process. Asserts completeness (no errors, every delivery arrived, files written),
 * never a latency figure.
 */
class LoadGeneratorSmokeIT {
  static final String SECRET = "smoke-secret-smoke-secret-smoke-secret-01";

  @TempDir Path tmp;
  SyncApp app;

  @BeforeEach
  void start() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    app =
        SyncApp.start(
                AppConfig.fromEnvironment(
                    Map.of(
                        "SYNC_HOST", "127.0.0.1",
                        "SYNC_PORT", "0",
                        "SYNC_DATA_DIR", data.toString(),
                        // Every simulated device connects from 127.0.0.1, as in the benchmarks.
                        "SYNC_RATE_LIMIT_CONNECT_PER_IP_PER_SECOND", "0")),
                JwtSettings.hs256(SECRET.getBytes(StandardCharsets.UTF_8)),
                SyncApp.Wiring.production())
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    app.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void latencyScenario_smallLoad_deliversEveryOpWithoutErrors() throws Exception {
    Path out = tmp.resolve("out");
    JsonNode result =
        runClean(
            out,
            "latency",
            "--users",
            "20",
            "--devices",
            "3",
            "--rate",
            "200",
            "--duration",
            "3",
            "--warmup",
            "1",
            "--drain",
            "20");
    JsonNode head = result.path("headline");
    long writes = head.path("writes").asLong();
    assertThat(writes).isGreaterThanOrEqualTo(500); // 200/s for 3 s, open loop
    assertThat(head.path("deliveries").asLong()).isEqualTo(writes * 2);
    assertThat(head.path("acks").asLong()).isEqualTo(writes);
    assertThat(head.path("sync_latency_us").path("count").asLong()).isEqualTo(writes * 2);
    assertThat(result.path("connections").path("connected").asInt()).isEqualTo(60);
    assertThat(result.path("errors").path("total").asLong()).isZero();
    assertThat(head.path("bytes_per_op").path("progress_update").path("count").asLong())
        .isPositive();
    assertThat(Files.readString(out.resolve("summary.md"))).contains("| measure |");
    // The host probe ran beside the phase, and its scratch file is gone.
    assertThat(head.path("host").path("timer_overshoot_us").path("count").asLong()).isPositive();
    assertThat(head.path("host").path("fdatasync_us").path("count").asLong()).isPositive();
    assertThat(Files.readString(out.resolve("summary.md"))).contains("Host during measure");
    // The service's own histograms over the phase: one store append per write, two fan-outs.
    JsonNode server = head.path("server_histograms");
    assertThat(server.path("store_append").path("count").asLong()).isEqualTo(writes);
    assertThat(server.path("fanout").path("count").asLong()).isEqualTo(writes * 2);
    assertThat(server.path("store_append").path("percent_within_ms").path("1000").isMissingNode())
        .isTrue();
    assertThat(server.path("store_append").path("percent_within_ms").path("10").asDouble())
        .isBetween(0.0, 100.0);
    assertThat(Files.readString(out.resolve("summary.md"))).contains("Server during measure");
    try (var files = Files.list(out)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .noneMatch(n -> n.startsWith("host-probe"));
    }
    DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(out.resolve("latency.svg").toFile()); // well-formed XML
  }

  @Test
  void connectionsScenario_pacedWithWarmUp_countsOnlyTheMeasuredConnects() throws Exception {
    JsonNode conn =
        runClean(
                tmp.resolve("out-connections"),
                "connections",
                "--connections",
                "30",
                "--users",
                "10",
                "--connect-rate",
                "100",
                "--connect-warmup",
                "12",
                "--hold",
                "0")
            .path("connections");
    assertThat(conn.path("connected").asInt()).isEqualTo(30);
    assertThat(conn.path("connect_latency_us").path("count").asLong()).isEqualTo(30);
    assertThat(conn.path("mode").asText()).isEqualTo("paced, 100 connects/s");
    // Open loop: 30 connects at 100/s are started over 0.29 s, not all at once.
    assertThat(conn.path("ramp_seconds").asDouble()).isGreaterThanOrEqualTo(0.29);
  }

  /** Runs a scenario against the test service, asserts it ended clean, returns its result.json. */
  private JsonNode runClean(Path out, String scenario, String... options) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                scenario,
                "--url",
                "http://127.0.0.1:" + app.port(),
                "--secret",
                SECRET,
                "--out",
                out.toString(),
                "--quiet"));
    args.addAll(List.of(options));

    LoadMain.Outcome outcome = LoadMain.run(LoadConfig.parse(args.toArray(String[]::new)));

    assertThat(outcome.errors()).as("errors: %s", outcome.result().get("errors")).isZero();
    return LoadRunner.JSON.readTree(out.resolve("result.json").toFile());
  }
}
