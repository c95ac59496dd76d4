package dev.mediasync.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.InvalidTimestampException;
import dev.mediasync.core.Tag;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validating reads from one JSON object. Every failure is a {@link SyncException} with code
 * {@code invalid_field} and a message naming the field and the rule, never a NullPointerException.
 */
final class JsonFields {
  private final ObjectNode node;

  JsonFields(ObjectNode node) {
    this.node = node;
  }

  boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  JsonNode raw(String field) {
    return node.get(field);
  }

  String requireString(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw SyncException.invalidField(field + " is required");
    }
    if (!v.isTextual()) {
      throw SyncException.invalidField(field + " must be a string");
    }
    return v.textValue();
  }

  String optionalString(String field) {
    return has(field) ? requireString(field) : null;
  }

  String requireId(String field) {
    String id = requireString(field);
    if (!Limits.isValidId(id)) {
      throw SyncException.invalidField(
          field + " must be 1-" + Limits.MAX_ID_LENGTH + " characters of [A-Za-z0-9._:@-]");
    }
    return id;
  }

  String optionalId(String field) {
    return has(field) ? requireId(field) : null;
  }

  double requireSeconds(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw SyncException.invalidField(field + " is required");
    }
    if (!v.isNumber()) {
      throw SyncException.invalidField(field + " must be a number");
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d) || d < 0 || d > Limits.MAX_MEDIA_SECONDS) {
      throw SyncException.invalidField(
          field + " must be between 0 and " + (long) Limits.MAX_MEDIA_SECONDS);
    }
    return d;
  }

  int requireInt(String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
      throw SyncException.invalidField(field + " must be an integer");
    }
    return v.intValue();
  }

  boolean requireBoolean(String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isBoolean()) {
      throw SyncException.invalidField(field + " must be true or false");
    }
    return v.booleanValue();
  }

  boolean optionalBoolean(String field, boolean absent) {
    return has(field) ? requireBoolean(field) : absent;
  }

  Double optionalSeconds(String field) {
    return has(field) ? requireSeconds(field) : null;
  }

  java.time.Instant requireInstant(String field) {
    String text = requireString(field);
    try {
      return java.time.Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw SyncException.invalidField(field + " must be an RFC 3339 UTC instant");
    }
  }

  HybridTimestamp requireTimestamp(String field) {
    try {
      return HybridTimestamp.parse(requireString(field));
    } catch (InvalidTimestampException e) {
      throw SyncException.invalidField(field + ": " + e.getMessage());
    }
  }

  HybridTimestamp optionalTimestamp(String field) {
    return has(field) ? requireTimestamp(field) : null;
  }

  List<Tag> optionalTags(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode v = node.get(field);
    if (!v.isArray()) {
      throw SyncException.invalidField(field + " must be an array of tags");
    }
    if (v.size() > Limits.MAX_TAGS_PER_REMOVE) {
      throw SyncException.invalidField(
          field + " may name at most " + Limits.MAX_TAGS_PER_REMOVE + " tags");
    }
    List<Tag> tags = new ArrayList<>(v.size());
    for (JsonNode t : v) {
      if (!t.isTextual()) {
        throw SyncException.invalidField(field + " must contain strings");
      }
      tags.add(parseTag(field, t.textValue()));
    }
    return tags;
  }

  static Tag parseTag(String field, String text) {
    try {
      Tag tag = Tag.parse(text);
      if (!Limits.isValidId(tag.deviceId())) {
        throw SyncException.invalidField(field + " has a tag with an invalid device id");
      }
      return tag;
    } catch (IllegalArgumentException e) {
      throw SyncException.invalidField(field + ": " + e.getMessage());
    }
  }

  <E extends Enum<E>> E requireEnum(
      String field, java.util.function.Function<String, E> lookup, String allowed) {
    E e = lookup.apply(requireString(field));
    if (e == null) {
      throw SyncException.invalidField(field + " must be one of " + allowed);
    }
    return e;
  }
}
