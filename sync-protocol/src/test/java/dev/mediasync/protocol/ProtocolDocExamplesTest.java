package dev.mediasync.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every JSON example in docs/protocol.md is a message the codec accepts and writes identically. */
class ProtocolDocExamplesTest {
  private static final Pattern JSON_BLOCK =
      Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL);
  private static final Set<String> OP_TYPES =
      Set.of("watchlist_update", "progress_update", "preference_update");
  private static final Set<String> SERVER_TYPES =
      Set.of(
          "welcome",
          "watchlist_update",
          "progress_update",
          "preference_update",
          "snapshot",
          "ack",
          "heartbeat_ack",
          "device_online",
          "device_offline",
          "device_command",
          "handoff_result",
          "error",
          "notification");

  private final JsonCodec codec = new JsonCodec();
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void clientExamples_decodeAndReencodeIdentically() throws IOException {
    List<String> examples = examples("## Client → server messages", "## Server → client messages");
    assertThat(examples).hasSizeGreaterThanOrEqualTo(6);
    for (String json : examples) {
      ClientMessage m = codec.decodeClientFrame(json);
      assertThat(codec.encodeClientMessage(m)).as(json).isEqualTo(json);
    }
  }

  @Test
  void serverExamples_decodeAndReencodeIdentically() throws IOException {
    List<String> examples = examples("## Server → client messages", "### The `state`");
    assertThat(examples).hasSizeGreaterThanOrEqualTo(12);
    for (String json : examples) {
      JsonNode node = mapper.readTree(json);
      String type = node.path("type").asText();
      assertThat(SERVER_TYPES).as(json).contains(type);
      assertThat(codec.encode(codec.decodeServerMessage(json))).isEqualTo(json);
      if (OP_TYPES.contains(type)) {
        assertThat(codec.encode(codec.decodeOp(json))).isEqualTo(json);
      }
      if (type.equals("snapshot")) {
        String state = node.path("state").toString();
        assertThat(codec.encodeState(codec.decodeState(state))).isEqualTo(state);
      }
    }
  }

  private static List<String> examples(String fromHeading, String toHeading) throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "protocol.md"));
    int from = doc.indexOf(fromHeading);
    int to = doc.indexOf(toHeading, from);
    assertThat(from).as("heading %s", fromHeading).isNotNegative();
    assertThat(to).as("heading %s", toHeading).isGreaterThan(from);
    Matcher m = JSON_BLOCK.matcher(doc.substring(from, to));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1).trim());
    }
    return out;
  }
}
