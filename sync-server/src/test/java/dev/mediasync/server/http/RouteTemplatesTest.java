package dev.mediasync.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTemplatesTest {

  @Test
  void of_knownPath_isItself() {
    assertThat(RouteTemplates.of("/api/v1/sync/watchlist")).isEqualTo("/api/v1/sync/watchlist");
    assertThat(RouteTemplates.of("/metrics")).isEqualTo("/metrics");
  }

  @Test
  void of_preferenceKey_isTheTemplate() {
    assertThat(RouteTemplates.of("/api/v1/sync/preferences/subtitles"))
        .isEqualTo("/api/v1/sync/preferences/{key}");
    assertThat(RouteTemplates.of("/api/v1/sync/preferences/a/b")).isEqualTo("other");
  }

  @Test
  void of_anythingElse_isOther() {
    assertThat(RouteTemplates.of("/api/v1/users/alice")).isEqualTo("other");
    assertThat(RouteTemplates.of(null)).isEqualTo("other");
  }
}
