package dev.mediasync.protocol;

/** The two watchlist operations. */
public enum WatchlistOperation {
  ADD("add"),
  REMOVE("remove");

  private final String wireName;

  WatchlistOperation(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static WatchlistOperation fromWire(String name) {
    for (WatchlistOperation op : values()) {
      if (op.wireName.equals(name)) {
        return op;
      }
    }
    return null;
  }
}
