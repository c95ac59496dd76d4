package dev.mediasync.server.auth;

import static dev.mediasync.server.auth.TestTokens.EC;
import static dev.mediasync.server.auth.TestTokens.validClaims;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

/**
 * CVE-2022-21449: JDK 15–18 (before the April 2022 CPU) accepted ECDSA signatures with r = s = 0.
 * These tests show that both layers below {@link JwtVerifier} refuse them on their own, so the
 * protection does not depend on the runtime's patch level alone. The end-to-end rejection through
 * {@link JwtVerifier} is in {@code JwtVerifierTest.Signatures}.
 */
class PsychicSignatureTest {

  private static final byte[] SIGNING_INPUT = "eyJhbGciOiJFUzI1NiJ9.e30".getBytes(UTF_8);

  @Test
  void nimbusEcdsaVerifier_allZeroSignature_false() throws Exception {
    ECDSAVerifier verifier = new ECDSAVerifier((ECPublicKey) EC.getPublic());

    boolean ok =
        verifier.verify(
            new JWSHeader(JWSAlgorithm.ES256), SIGNING_INPUT, Base64URL.encode(new byte[64]));

    assertThat(ok).isFalse();
  }

  @Test
  void nimbusEnsureLegalSignature_zeroOrOutOfRange_throwsBeforeJca() {
    // ECDSAVerifier calls this before handing the signature to the JCA provider, so nimbus
    // refuses psychic signatures even on an unpatched JDK.
    assertThatThrownBy(() -> ECDSA.ensureLegalSignature(new byte[64], JWSAlgorithm.ES256))
        .isInstanceOf(JOSEException.class);
    byte[] rZero = new byte[64];
    rZero[63] = 1; // r = 0, s = 1
    assertThatThrownBy(() -> ECDSA.ensureLegalSignature(rZero, JWSAlgorithm.ES256))
        .isInstanceOf(JOSEException.class);
  }

  @Test
  void jdkSha256withEcdsa_zeroRAndS_notAccepted() throws Exception {
    // DER SEQUENCE { INTEGER 0, INTEGER 0 }
    byte[] der = {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00};
    Signature jca = Signature.getInstance("SHA256withECDSA");
    jca.initVerify(EC.getPublic());
    jca.update(SIGNING_INPUT);

    Throwable t = catchThrowable(() -> assertThat(jca.verify(der)).isFalse());
    if (t != null) {
      assertThat(t).isInstanceOf(SignatureException.class);
    }
  }

  @Test
  void jwtVerifier_zeroSignatureOnValidToken_badSignature() {
    JwtVerifier es = new JwtVerifier(JwtSettings.publicKey(EC.getPublic()), TestTokens.CLOCK);
    String good = TestTokens.es256(validClaims().build());
    String forged = good.substring(0, good.lastIndexOf('.') + 1) + TestTokens.b64url(new byte[64]);

    assertThat(es.verify(good).userId()).isEqualTo("alice");
    assertThatThrownBy(() -> es.verify(forged))
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(AuthenticationException.Reason.BAD_SIGNATURE);
            });
  }
}
