package dev.mediasync.protocol;

/** What a handoff target did with the command. */
public enum HandoffStatus {
  ACCEPTED("accepted"),
  REJECTED("rejected");

  private final String wireName;

  HandoffStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static HandoffStatus fromWire(String name) {
    for (HandoffStatus s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    return null;
  }
}
