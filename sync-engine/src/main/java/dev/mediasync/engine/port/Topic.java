package dev.mediasync.engine.port;

/** The three channels every user has, named as in the contract: {@code user.{id}.<topic>}. */
public enum Topic {
  /** Watchlist, progress and preference ops. */
  SYNC("sync"),
  /** Presence changes and device commands (handoff). */
  DEVICES("devices"),
  /** Service notifications. */
  NOTIFICATIONS("notifications");

  private final String suffix;

  Topic(String suffix) {
    this.suffix = suffix;
  }

  public String suffix() {
    return suffix;
  }

  /** The channel name, e.g. {@code user.alice.sync}. */
  public String channel(String userId) {
    return "user." + userId + "." + suffix;
  }
}
