package dev.mediasync.engine.port;

import java.util.List;
import java.util.Objects;

/** What a device says about itself when it connects. Optional fields may be null. */
public record DeviceInfo(String deviceId, String name, String type, List<String> capabilities) {
  public DeviceInfo {
    Objects.requireNonNull(deviceId, "deviceId");
    capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
  }
}
