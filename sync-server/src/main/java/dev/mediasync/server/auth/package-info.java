/**
 * Bearer-token authentication: verifies compact JWTs and yields a {@link
 * dev.mediasync.server.auth.Principal}.
 *
 * <p>Start-up: {@code JwtSettings settings = JwtSettings.fromEnvironment(System.getenv());} then
 * {@code JwtVerifier verifier = JwtVerifier.create(settings);}. If {@code settings.isDevSecret()},
 * log a warning and print {@code TokenIssuer.forSettings(settings).issue("dev", "dev-device",
 * Duration.ofDays(1))}.
 *
 * <p>Per request: {@code Principal p = verifier.verify(token);} and map {@link
 * dev.mediasync.server.auth.AuthenticationException} to 401 with {@code e.getMessage()}.
 *
 * <p>Cost per verify (JDK 17, see {@code VerifyThroughputProbe}): HS256 ≈ 10–20 µs, RS256 ≈ 0.1 ms,
 * ES256 ≈ 1 ms, the last almost all in the JDK's P-256 verification. ES256 on the event loop at
 * high request rates needs care (verify once per WebSocket connection, not per message).
 */
package dev.mediasync.server.auth;
