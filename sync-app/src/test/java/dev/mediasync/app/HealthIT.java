package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Liveness asks nothing; readiness asks the store, broker and presence store. */
class HealthIT {

  @Test
  void ready_withStoreUp_is200_andWithStoreClosed_is503WhileLivenessStays200() {
    try (TestServer server = TestServer.start()) {
      Http.Resp ready = server.http().get("/health/ready", null);
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().path("checks").path("store").asText()).isEqualTo("ok");

      TestServer.await(
          server.app().engine().store().close().toCompletionStage().toCompletableFuture());

      Http.Resp down = server.http().get("/health/ready", null);
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.json().path("status").asText()).isEqualTo("unavailable");
      assertThat(down.json().path("checks").path("store").asText()).isEqualTo("down");
      assertThat(down.json().path("checks").path("broker").asText()).isEqualTo("ok");

      Http.Resp live = server.http().get("/health", null);
      assertThat(live.status()).isEqualTo(200);
      assertThat(live.json().path("status").asText()).isEqualTo("ok");
    }
  }
}
