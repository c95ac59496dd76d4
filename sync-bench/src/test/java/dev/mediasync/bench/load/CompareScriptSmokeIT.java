package dev.mediasync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mediasync.testkit.NodeTests;
import dev.mediasync.testkit.ReusablePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the side-by-side comparison from rotting: {@code bench/compare.sh} at a small load, both
 * servers as real processes (our jar, then y-websocket under node), both load clients with the
 * connect warm-up. Asserts that both runs ended clean and that the table holds both columns, never
 * a latency figure.
 *
 * <p>Needs node, npm (the script runs {@code npm ci} in {@code bench/peer} when its modules are
 * missing) and jq: under {@code CI=true} a missing one fails the test, elsewhere it skips ({@link
 * NodeTests#require}).
 */
class CompareScriptSmokeIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path tmp;

  @Test
  void compareScript_smallLoad_bothSidesCleanAndTabled() throws Exception {
    NodeTests.node();
    NodeTests.require(NodeTests.onPath("npm").isPresent(), "npm", "apt-get install -y npm");
    NodeTests.require(NodeTests.onPath("jq").isPresent(), "jq", "apt-get install -y jq");

    Path out = tmp.resolve("compare");
    ProcessBuilder pb =
        new ProcessBuilder("bash", ROOT.resolve("bench/compare.sh").toString())
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("compare.log").toFile());
    pb.environment()
        .putAll(
            Map.of(
                "USERS", "20",
                "DEVICES", "3",
                "RATE", "100",
                "DURATION", "2",
                "WARMUP", "1",
                "CONNECT_WARMUP", "30",
                "OURS_PORT", Integer.toString(ReusablePorts.free()),
                "PEER_PORT", Integer.toString(ReusablePorts.free()),
                "OUT", out.toString()));
    Process p = pb.start();
    boolean ended = p.waitFor(180, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String log = Files.readString(tmp.resolve("compare.log"), StandardCharsets.UTF_8);

    assertThat(ended).as("compare.sh ended within 180 s:%n%s", log).isTrue();
    assertThat(p.exitValue()).as("compare.sh exit status:%n%s", log).isZero();
    assertThat(log)
        .doesNotContain("a client exited non-zero")
        .contains("| metric | ours | y-websocket | ratio |")
        .contains("after 30 warm-up connects")
        .containsPattern("\\| errors \\(incl\\. lost deliveries\\) \\| 0 \\| 0 \\|")
        .containsPattern("\\| sync latency p99 \\(ms\\) \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
        // Both clients announced their measured phase, so both servers' CPU was read from there.
        .containsPattern(
            "\\| server CPU ms per write \\(measured phase\\) \\| [0-9.]+ \\| [0-9.]+ \\|");
    for (String side : new String[] {"ours", "peer"}) {
      JsonNode result = LoadRunner.JSON.readTree(out.resolve(side + "/result.json").toFile());
      // Only the measured devices count: the 30 warm-up connects are forgotten on both sides.
      assertThat(result.path("connections").path("connected").asInt()).as(side).isEqualTo(60);
      assertThat(result.path("connections").path("connect_latency_us").path("count").asLong())
          .as(side)
          .isEqualTo(60);
      assertThat(result.path("config").path("connect_warmup").asInt()).as(side).isEqualTo(30);
      assertThat(result.path("headline").path("writes").asLong()).as(side).isPositive();
    }
  }
}
