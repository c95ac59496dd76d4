package dev.mediasync.protocol;

/** Commands one device can send another. */
public enum DeviceCommandKind {
  PLAY("play"),
  PAUSE("pause"),
  STOP("stop"),
  SEEK("seek");

  private final String wireName;

  DeviceCommandKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static DeviceCommandKind fromWire(String name) {
    for (DeviceCommandKind k : values()) {
      if (k.wireName.equals(name)) {
        return k;
      }
    }
    return null;
  }
}
