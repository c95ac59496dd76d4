package dev.mediasync.protocol;

/** The playback states a progress write may carry. */
public enum PlaybackState {
  PLAYING("playing"),
  PAUSED("paused"),
  STOPPED("stopped"),
  COMPLETED("completed");

  private final String wireName;

  PlaybackState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The state for a wire name, or null if there is none. */
  public static PlaybackState fromWire(String name) {
    for (PlaybackState s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    return null;
  }
}
