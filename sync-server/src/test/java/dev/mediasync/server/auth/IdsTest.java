package dev.mediasync.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

  @Test
  void isValid_maxLength_accepted() {
    assertThat(Ids.isValid("a".repeat(Ids.MAX_LENGTH))).isTrue();
    assertThat(Ids.MAX_LENGTH).isEqualTo(128);
  }

  @Test
  void isValid_oneOverMaxLength_rejected() {
    assertThat(Ids.isValid("a".repeat(Ids.MAX_LENGTH + 1))).isFalse();
  }

  @Test
  void isValid_emptyOrNull_rejected() {
    assertThat(Ids.isValid("")).isFalse();
    assertThat(Ids.isValid(null)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "alice", "user-1", "a.b_c:d@e-f", "0", "X9", "urn:user:42"})
  void isValid_allowedChars_accepted(String id) {
    assertThat(Ids.isValid(id)).isTrue();
    assertThat(Ids.PATTERN.matcher(id).matches()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        " ",
        "a b",
        "a/b",
        "a\\b",
        "a\nb",
        "é",
        "a+b",
        "a#b",
        "a%20",
        "<script>",
        "a\u0000"
      })
  void isValid_forbiddenChars_rejected(String id) {
    assertThat(Ids.isValid(id)).isFalse();
  }
}
