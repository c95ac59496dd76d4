package dev.mediasync.server.auth;

import static dev.mediasync.server.auth.TestTokens.CLOCK;
import static dev.mediasync.server.auth.TestTokens.NOW;
import static dev.mediasync.server.auth.TestTokens.SECRET;
import static dev.mediasync.server.auth.TestTokens.clockAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.mediasync.server.auth.AuthenticationException.Reason;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {

  private final JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET), CLOCK);
  private final TokenIssuer issuer = TokenIssuer.hs256(SECRET).withClock(CLOCK);

  @Test
  void issue_userAndDevice_roundTrips() {
    Principal p = verifier.verify(issuer.issue("alice", "phone-1", Duration.ofHours(1)));

    assertThat(p).isEqualTo(new Principal("alice", "phone-1", Set.of()));
  }

  @Test
  void issue_nullDevice_roundTripsWithoutDevice() {
    Principal p = verifier.verify(issuer.issue("alice", null, Duration.ofHours(1)));

    assertThat(p.deviceId()).isNull();
  }

  @Test
  void issue_withScopes_roundTrips() {
    String token =
        issuer.issue(
            "notifier", null, Duration.ofMinutes(5), Set.of("notifications:write", "service"));

    assertThat(verifier.verify(token).scopes())
        .containsExactlyInAnyOrder("notifications:write", "service");
  }

  @Test
  void issue_claims_haveIatExpAndHs256() throws Exception {
    SignedJWT jwt = SignedJWT.parse(issuer.issue("alice", "d", Duration.ofSeconds(90)));

    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("HS256");
    assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(NOW);
    assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant())
        .isEqualTo(NOW.plusSeconds(90));
  }

  @Test
  void issue_pastClock_tokenExpired() {
    String token =
        TokenIssuer.hs256(SECRET)
            .withClock(clockAt(NOW.minus(Duration.ofHours(2))))
            .issue("alice", null, Duration.ofHours(1));

    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOfSatisfying(
            AuthenticationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
  }

  @Test
  void forSettings_withAudience_tokenAccepted() {
    JwtSettings settings = JwtSettings.generateDevSecret().withAudience("media-sync");
    String token = TokenIssuer.forSettings(settings).issue("dev", "dev-device", Duration.ofDays(1));

    assertThat(JwtVerifier.create(settings).verify(token).userId()).isEqualTo("dev");
  }

  @Test
  void forSettings_devSecretOtherInstance_rejected() {
    String token =
        TokenIssuer.forSettings(JwtSettings.generateDevSecret())
            .issue("dev", null, Duration.ofDays(1));

    assertThatThrownBy(() -> JwtVerifier.create(JwtSettings.generateDevSecret()).verify(token))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void forSettings_publicKey_rejected() {
    JwtSettings rs = JwtSettings.publicKey(TestTokens.RSA.getPublic());
    assertThatThrownBy(() -> TokenIssuer.forSettings(rs))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hs256_shortSecret_rejected() {
    assertThatThrownBy(() -> TokenIssuer.hs256(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void issue_invalidIds_rejected() {
    assertThatThrownBy(() -> issuer.issue("a b", null, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> issuer.issue("alice", "d".repeat(129), Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void issue_nonPositiveTtl_rejected() {
    assertThatThrownBy(() -> issuer.issue("alice", null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void issue_scopeWithSpace_rejected() {
    assertThatThrownBy(() -> issuer.issue("alice", null, Duration.ofMinutes(1), Set.of("a b")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
