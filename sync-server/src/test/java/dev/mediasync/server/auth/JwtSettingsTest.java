package dev.mediasync.server.auth;

import static dev.mediasync.server.auth.TestTokens.EC;
import static dev.mediasync.server.auth.TestTokens.RSA;
import static dev.mediasync.server.auth.TestTokens.pem;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mediasync.server.auth.JwtSettings.Algorithm;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtSettingsTest {

  private static final String SECRET_32 = "0123456789abcdef0123456789abcdef";

  @Test
  void fromEnvironment_secret32Bytes_hs256() {
    JwtSettings s = JwtSettings.fromEnvironment(Map.of("SYNC_JWT_SECRET", SECRET_32));

    assertThat(s.algorithm()).isEqualTo(Algorithm.HS256);
    assertThat(s.secret())
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(SECRET_32.getBytes(UTF_8)));
    assertThat(s.publicKey()).isEmpty();
    assertThat(s.audience()).isEmpty();
    assertThat(s.leeway()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.isDevSecret()).isFalse();
  }

  @Test
  void fromEnvironment_secret31Bytes_rejectedWithOneLineMessage() {
    assertThatThrownBy(
            () -> JwtSettings.fromEnvironment(Map.of("SYNC_JWT_SECRET", SECRET_32.substring(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SYNC_JWT_SECRET")
        .hasMessageContaining("31 bytes")
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining(SECRET_32.substring(1));
  }

  @Test
  void fromEnvironment_emptySecret_rejected() {
    assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("SYNC_JWT_SECRET", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SYNC_JWT_SECRET");
  }

  @Test
  void fromEnvironment_secretCountsUtf8Bytes_multibyteAccepted() {
    // 16 chars of 2 bytes each = 32 bytes
    JwtSettings s = JwtSettings.fromEnvironment(Map.of("SYNC_JWT_SECRET", "é".repeat(16)));
    assertThat(s.secret().orElseThrow()).hasSize(32);
  }

  @Test
  void fromEnvironment_nothingSet_devSecretGenerated() {
    JwtSettings a = JwtSettings.fromEnvironment(Map.of());
    JwtSettings b = JwtSettings.fromEnvironment(Map.of());

    assertThat(a.isDevSecret()).isTrue();
    assertThat(a.algorithm()).isEqualTo(Algorithm.HS256);
    assertThat(a.secret().orElseThrow()).hasSize(32);
    assertThat(a.secret().orElseThrow()).isNotEqualTo(b.secret().orElseThrow());
  }

  @Test
  void generateDevSecret_always_random32BytesAndFlagged() {
    JwtSettings s = JwtSettings.generateDevSecret();
    assertThat(s.isDevSecret()).isTrue();
    assertThat(s.secret().orElseThrow()).hasSize(32);
  }

  @Test
  void fromEnvironment_rsaPem_rs256() {
    JwtSettings s =
        JwtSettings.fromEnvironment(Map.of("SYNC_JWT_PUBLIC_KEY", pem(RSA.getPublic())));
    assertThat(s.algorithm()).isEqualTo(Algorithm.RS256);
    assertThat(s.publicKey()).contains(RSA.getPublic());
    assertThat(s.secret()).isEmpty();
  }

  @Test
  void fromEnvironment_ecP256Pem_es256() {
    JwtSettings s = JwtSettings.fromEnvironment(Map.of("SYNC_JWT_PUBLIC_KEY", pem(EC.getPublic())));
    assertThat(s.algorithm()).isEqualTo(Algorithm.ES256);
    assertThat(s.publicKey()).contains(EC.getPublic());
  }

  @Test
  void fromEnvironment_pemWithLiteralBackslashN_parsed() {
    String oneLine = pem(RSA.getPublic()).replace("\n", "\\n");
    JwtSettings s = JwtSettings.fromEnvironment(Map.of("SYNC_JWT_PUBLIC_KEY", oneLine));
    assertThat(s.algorithm()).isEqualTo(Algorithm.RS256);
  }

  @Test
  void fromEnvironment_secretAndPublicKey_rejectedAsAmbiguous() {
    assertThatThrownBy(
            () ->
                JwtSettings.fromEnvironment(
                    Map.of(
                        "SYNC_JWT_SECRET", SECRET_32, "SYNC_JWT_PUBLIC_KEY", pem(RSA.getPublic()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SYNC_JWT_SECRET")
        .hasMessageContaining("SYNC_JWT_PUBLIC_KEY")
        .hasMessageContaining("exactly one");
  }

  @Test
  void fromEnvironment_garbagePem_rejected() {
    assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("SYNC_JWT_PUBLIC_KEY", "hello")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SYNC_JWT_PUBLIC_KEY: ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void fromEnvironment_pemWithBadBase64_rejected() {
    String pem = "-----BEGIN PUBLIC KEY-----\n!!!not base64!!!\n-----END PUBLIC KEY-----\n";
    assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("SYNC_JWT_PUBLIC_KEY", pem)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base64");
  }

  @Test
  void fromEnvironment_pemWithRandomDer_rejected() {
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
            + "\n-----END PUBLIC KEY-----\n";
    assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("SYNC_JWT_PUBLIC_KEY", pem)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RSA or EC");
  }

  @Test
  void fromEnvironment_pemWithoutEndLine_rejected() {
    String pem = pem(RSA.getPublic()).replace("-----END PUBLIC KEY-----", "");
    assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("SYNC_JWT_PUBLIC_KEY", pem)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("END PUBLIC KEY");
  }

  @Test
  void fromEnvironment_privateKeyPem_rejectedWithHint() {
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getEncoder().encodeToString(RSA.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("SYNC_JWT_PUBLIC_KEY", pem)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private key");
  }

  @Test
  void fromEnvironment_emptyPublicKey_rejected() {
    assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("SYNC_JWT_PUBLIC_KEY", "  ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SYNC_JWT_PUBLIC_KEY");
  }

  @Test
  void publicKey_rsa1024_rejected() {
    KeyPair small = TestTokens.generate("RSA", 1024);
    assertThatThrownBy(() -> JwtSettings.publicKey(small.getPublic()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2048");
  }

  @Test
  void publicKeyPem_ecP384_rejected() {
    KeyPair p384 = TestTokens.generateEc("secp384r1");
    assertThatThrownBy(() -> JwtSettings.publicKeyPem(pem(p384.getPublic())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("P-256");
  }

  @Test
  void fromEnvironment_audience_setOnSettings() {
    JwtSettings s =
        JwtSettings.fromEnvironment(
            Map.of("SYNC_JWT_SECRET", SECRET_32, "SYNC_JWT_AUDIENCE", "media-sync"));
    assertThat(s.audience()).contains("media-sync");
  }

  @Test
  void fromEnvironment_blankAudience_rejected() {
    assertThatThrownBy(
            () ->
                JwtSettings.fromEnvironment(
                    Map.of("SYNC_JWT_SECRET", SECRET_32, "SYNC_JWT_AUDIENCE", " ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SYNC_JWT_AUDIENCE");
  }

  @Test
  void withLeeway_outOfRange_rejected() {
    JwtSettings s = JwtSettings.hs256(TestTokens.SECRET);
    assertThatThrownBy(() -> s.withLeeway(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.withLeeway(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(s.withLeeway(Duration.ZERO).leeway()).isZero();
  }

  @Test
  void toString_hs256_doesNotLeakSecret() {
    JwtSettings s = JwtSettings.fromEnvironment(Map.of("SYNC_JWT_SECRET", SECRET_32));
    assertThat(s.toString()).doesNotContain(SECRET_32).contains("HS256");
  }

  @Test
  void secret_mutatingReturnedCopy_doesNotChangeSettings() {
    JwtSettings s = JwtSettings.hs256(TestTokens.SECRET.clone());
    s.secret().orElseThrow()[0] ^= 1;
    assertThat(s.secret().orElseThrow()).isEqualTo(TestTokens.SECRET);
  }
}
