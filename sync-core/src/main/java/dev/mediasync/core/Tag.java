package dev.mediasync.core;

import java.util.Objects;

/**
 * The unique identity of one add in an {@link OrSet}: the HLC timestamp the service gave the add
 * and the device that made it.
 *
 * <p>Why this pair instead of a UUID: the add's timestamp and device id already travel with every
 * op, so the tag costs no extra bytes on the wire, and it is unique because one clock never hands
 * out the same timestamp twice and two clocks that collide still differ in the device id.
 *
 * <p>Wire form {@code "<hlc>@<deviceId>"}; the timestamp is digits only, so the first {@code @}
 * splits it even though device ids may contain {@code @}.
 */
public record Tag(HybridTimestamp timestamp, String deviceId) implements Comparable<Tag> {

  public Tag {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(deviceId, "deviceId");
    if (deviceId.isEmpty()) {
      throw new IllegalArgumentException("tag device id is empty");
    }
  }

  /**
   * Parses the wire form.
   *
   * @throws IllegalArgumentException if the text is not {@code <hlc>@<deviceId>}
   */
  public static Tag parse(String text) {
    int at = text.indexOf('@');
    if (at <= 0 || at == text.length() - 1) {
      throw new IllegalArgumentException("tag must look like <timestamp>@<device_id>");
    }
    return new Tag(HybridTimestamp.parse(text.substring(0, at)), text.substring(at + 1));
  }

  @Override
  public int compareTo(Tag o) {
    int byTime = timestamp.compareTo(o.timestamp);
    return byTime != 0 ? byTime : deviceId.compareTo(o.deviceId);
  }

  @Override
  public String toString() {
    return timestamp + "@" + deviceId;
  }
}
