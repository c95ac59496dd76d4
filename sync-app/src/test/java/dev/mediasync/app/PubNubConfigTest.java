package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mediasync.broker.pubnub.MirroringBroker;
import dev.mediasync.broker.pubnub.PubNubBroker;
import dev.mediasync.broker.pubnub.PubNubOptions;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.InProcessBroker;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PubNubConfigTest {

  private static AppConfig config(String... kv) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return AppConfig.fromEnvironment(env);
  }

  @Test
  void offWithoutKeys() {
    assertThat(config().pubnub()).isNull();
  }

  @Test
  void bothKeysTurnItOnWithPubNubsOriginOverHttpsByDefault() {
    AppConfig.PubNub p =
        config("PUBNUB_PUBLISH_KEY", "pub", "PUBNUB_SUBSCRIBE_KEY", "sub").pubnub();
    assertThat(p).isEqualTo(new AppConfig.PubNub("pub", "sub", "ps.pndsn.com", true));
    PubNubOptions o = Adapters.pubnubOptions(p);
    assertThat(o.host()).isEqualTo("ps.pndsn.com");
    assertThat(o.port()).isEqualTo(443);
    assertThat(o.secure()).isTrue();
    assertThat(p.toString()).doesNotContain("pub\"").doesNotContain("sub,");
  }

  @Test
  void originAndSecureAreRead() {
    AppConfig.PubNub p =
        config(
                "PUBNUB_PUBLISH_KEY", "pub",
                "PUBNUB_SUBSCRIBE_KEY", "sub",
                "PUBNUB_ORIGIN", "127.0.0.1:8090",
                "PUBNUB_SECURE", "false")
            .pubnub();
    PubNubOptions o = Adapters.pubnubOptions(p);
    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.port()).isEqualTo(8090);
    assertThat(o.secure()).isFalse();
    assertThat(Adapters.pubnubOptions(new AppConfig.PubNub("p", "s", "example.com", false)).port())
        .isEqualTo(80);
  }

  @Test
  void oneKeyAloneIsAConfigError() {
    assertThatThrownBy(() -> config("PUBNUB_PUBLISH_KEY", "pub"))
        .isInstanceOf(AppConfig.ConfigException.class)
        .hasMessage(
            "PUBNUB_PUBLISH_KEY and PUBNUB_SUBSCRIBE_KEY must be set together (only"
                + " PUBNUB_PUBLISH_KEY is set)");
    assertThatThrownBy(() -> config("PUBNUB_SUBSCRIBE_KEY", "sub"))
        .isInstanceOf(AppConfig.ConfigException.class)
        .hasMessageContaining("only PUBNUB_SUBSCRIBE_KEY is set");
  }

  @Test
  void badSecureOrOriginIsAConfigError() {
    assertThatThrownBy(() -> config("PUBNUB_SECURE", "yes"))
        .isInstanceOf(AppConfig.ConfigException.class)
        .hasMessage("PUBNUB_SECURE must be true or false, got: yes");
    assertThatThrownBy(() -> config("PUBNUB_ORIGIN", "https://ps.pndsn.com/"))
        .isInstanceOf(AppConfig.ConfigException.class)
        .hasMessageStartingWith("PUBNUB_ORIGIN must be host[:port]");
    assertThatThrownBy(() -> config("PUBNUB_ORIGIN", "host:99999"))
        .isInstanceOf(AppConfig.ConfigException.class)
        .hasMessageStartingWith("PUBNUB_ORIGIN port must be 1-65535");
  }

  @Test
  void brokerChoice() {
    Vertx vertx = Vertx.vertx();
    try {
      Broker none = Adapters.openPubSub(vertx, config(), "node-a").broker();
      assertThat(none).isInstanceOf(InProcessBroker.class);
      Broker pubnub =
          Adapters.openPubSub(
                  vertx,
                  config("PUBNUB_PUBLISH_KEY", "pub", "PUBNUB_SUBSCRIBE_KEY", "sub"),
                  "node-a")
              .broker();
      assertThat(pubnub).isInstanceOf(PubNubBroker.class);
      pubnub.close();
      Adapters.PubSub withRedis =
          Adapters.openPubSub(
              vertx,
              config(
                  "PUBNUB_PUBLISH_KEY", "pub",
                  "PUBNUB_SUBSCRIBE_KEY", "sub",
                  "SYNC_REDIS_URL", "redis://127.0.0.1:6379"),
              "node-a");
      Broker both = withRedis.broker();
      assertThat(both).isInstanceOf(MirroringBroker.class);
      assertThat(((MirroringBroker) both).mirror()).isInstanceOf(PubNubBroker.class);
      both.close();
      withRedis.close().get();
    } finally {
      vertx.close();
    }
  }
}
