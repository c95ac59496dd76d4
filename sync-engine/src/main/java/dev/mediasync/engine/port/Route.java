package dev.mediasync.engine.port;

import java.util.Objects;

/**
 * Which of a user's devices a published message is for. Ops go to every device but the writer; a
 * device command goes to one device.
 */
public record Route(Kind kind, String deviceId) {

  public enum Kind {
    EVERY_DEVICE,
    ALL_EXCEPT,
    ONLY
  }

  public static final Route EVERY_DEVICE = new Route(Kind.EVERY_DEVICE, null);

  public Route {
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.EVERY_DEVICE) {
      Objects.requireNonNull(deviceId, "deviceId");
    }
  }

  public static Route allExcept(String deviceId) {
    return new Route(Kind.ALL_EXCEPT, deviceId);
  }

  public static Route only(String deviceId) {
    return new Route(Kind.ONLY, deviceId);
  }

  public boolean includes(String device) {
    return switch (kind) {
      case EVERY_DEVICE -> true;
      case ALL_EXCEPT -> !deviceId.equals(device);
      case ONLY -> deviceId.equals(device);
    };
  }
}
