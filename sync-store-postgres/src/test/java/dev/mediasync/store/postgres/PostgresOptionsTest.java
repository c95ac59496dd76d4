package dev.mediasync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresOptionsTest {

  @Test
  void fromUrl_userPasswordHostPortDb() {
    PostgresOptions o = PostgresOptions.fromUrl("postgresql://app:s%40cret@db.local:6543/media");

    assertThat(o.user()).isEqualTo("app");
    assertThat(o.password()).isEqualTo("s@cret");
    assertThat(o.host()).isEqualTo("db.local");
    assertThat(o.port()).isEqualTo(6543);
    assertThat(o.database()).isEqualTo("media");
    assertThat(o.schema()).isEqualTo("sync");
    assertThat(o.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:6543/media");
    assertThat(o.toString()).doesNotContain("s@cret");
  }

  @Test
  void fromUrl_noPasswordDefaultPort() {
    PostgresOptions o = PostgresOptions.fromUrl("postgres://postgres@127.0.0.1/test");

    assertThat(o.password()).isNull();
    assertThat(o.port()).isEqualTo(5432);
  }

  @Test
  void fromUrl_rejectsMalformed() {
    assertThatThrownBy(() -> PostgresOptions.fromUrl("mysql://u@h/db"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PostgresOptions.fromUrl("postgresql://h:5432/db"))
        .hasMessageContaining("no user");
    assertThatThrownBy(() -> PostgresOptions.fromUrl("postgresql://u@h:5432/"))
        .hasMessageContaining("database name");
    assertThatThrownBy(() -> PostgresOptions.fromUrl("postgresql://u:pw@h:5432/db?ssl=true"))
        .hasMessageNotContaining("pw");
  }

  @Test
  void schema_mustBeAPlainIdentifier() {
    PostgresOptions o = PostgresOptions.fromUrl("postgresql://u@h/db");

    assertThatThrownBy(() -> o.withSchema("x; DROP TABLE y"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(o.withSchema("sync_it_1").schema()).isEqualTo("sync_it_1");
  }
}
