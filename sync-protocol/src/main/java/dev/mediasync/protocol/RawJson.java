package dev.mediasync.protocol;

import java.util.Objects;

/**
 * A JSON value kept as its compact text (a preference value is "any JSON"). Compared by text; the
 * codec produces the compact form, so equal values from the codec compare equal.
 */
public record RawJson(String json) {
  public RawJson {
    Objects.requireNonNull(json, "json");
  }
}
