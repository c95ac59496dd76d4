package dev.mediasync.broker.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.Topic;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void headerLineThenTheJsonUnchanged() {
    String json = "{\"type\":\"watchlist_update\",\"content_id\":\"tmdb:550\"}";
    Envelope e =
        new Envelope(
            "alice",
            Topic.SYNC,
            json,
            Route.allExcept("phone"),
            HybridTimestamp.parse("117680525106216960"));

    String payload = new String(WireFormat.encode(e, "node-1"), StandardCharsets.UTF_8);

    assertThat(payload).isEqualTo("ms1|except|phone|117680525106216960|node-1\n" + json);
    assertThat(WireFormat.decode("alice", Topic.SYNC, payload)).isEqualTo(e);
    assertThat(WireFormat.origin(payload)).isEqualTo("node-1");
  }

  @Test
  void everyDeviceAndNoTimestamp_haveEmptyFields() {
    Envelope e = new Envelope("bob", Topic.DEVICES, "{}", Route.EVERY_DEVICE, null);
    String payload = new String(WireFormat.encode(e, "n"), StandardCharsets.UTF_8);
    assertThat(payload).isEqualTo("ms1|all|||n\n{}");
    assertThat(WireFormat.decode("bob", Topic.DEVICES, payload)).isEqualTo(e);
  }

  @Test
  void malformed_isRefused() {
    assertThatThrownBy(() -> WireFormat.decode("u", Topic.SYNC, "{}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WireFormat.decode("u", Topic.SYNC, "ms9|all|||n\n{}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
