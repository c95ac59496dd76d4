package dev.mediasync.server.auth;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Rough cost of one {@link JwtVerifier#verify} per algorithm. Not an assertion and not run by
 * default (the name does not match surefire's patterns and it is skipped unless asked for):
 *
 * <pre>
 * mvn -B -pl sync-server -am test -Dtest=VerifyThroughputProbe -Dauth.probe=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class VerifyThroughputProbe {

  @Test
  void printMicrosPerVerify() {
    assumeTrue(Boolean.getBoolean("auth.probe"), "set -Dauth.probe=true to run");
    Clock clock = Clock.systemUTC();
    String hsToken =
        TokenIssuer.hs256(TestTokens.SECRET).issue("alice", "phone-1", Duration.ofHours(1));
    var claims =
        TestTokens.validClaims()
            .issueTime(new java.util.Date())
            .expirationTime(new java.util.Date(System.currentTimeMillis() + 3_600_000))
            .claim("device_id", "phone-1")
            .build();
    run("HS256", new JwtVerifier(JwtSettings.hs256(TestTokens.SECRET), clock), () -> hsToken);
    String rsToken = TestTokens.rs256(claims);
    run(
        "RS256",
        new JwtVerifier(JwtSettings.publicKey(TestTokens.RSA.getPublic()), clock),
        () -> rsToken);
    String esToken = TestTokens.es256(claims);
    run(
        "ES256",
        new JwtVerifier(JwtSettings.publicKey(TestTokens.EC.getPublic()), clock),
        () -> esToken);
    String bad = hsToken.substring(0, hsToken.length() - 2) + "AA";
    JwtVerifier hs = new JwtVerifier(JwtSettings.hs256(TestTokens.SECRET), clock);
    runRejected("HS256 bad signature", hs, bad);
  }

  private static void run(String name, JwtVerifier verifier, Supplier<String> token) {
    String t = token.get();
    int warmup = name.equals("HS256") ? 200_000 : name.equals("RS256") ? 20_000 : 3_000;
    int n = name.equals("HS256") ? 500_000 : name.equals("RS256") ? 20_000 : 3_000;
    for (int i = 0; i < warmup; i++) {
      verifier.verify(t);
    }
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      verifier.verify(t);
    }
    double micros = (System.nanoTime() - start) / 1_000.0 / n;
    System.out.printf("%-20s %8.2f µs/verify (%d iterations, 1 thread)%n", name, micros, n);
  }

  private static void runRejected(String name, JwtVerifier verifier, String t) {
    int n = 500_000;
    for (int round = 0; round < 2; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        try {
          verifier.verify(t);
        } catch (AuthenticationException expected) {
          // measured
        }
      }
      double micros = (System.nanoTime() - start) / 1_000.0 / n;
      if (round == 1) {
        System.out.printf("%-20s %8.2f µs/verify (%d iterations, 1 thread)%n", name, micros, n);
      }
    }
  }
}
