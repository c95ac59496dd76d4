package dev.mediasync.core;

/**
 * A settable {@link PhysicalClock} for tests: stalls, backward and forward jumps without sleeping.
 * Deliberately self-contained so other modules can copy it.
 */
public final class FakeClock implements PhysicalClock {

  private long millis;

  public FakeClock(long startMillis) {
    this.millis = startMillis;
  }

  @Override
  public long currentTimeMillis() {
    return millis;
  }

  /** Sets the wall clock to {@code newMillis} (may be earlier than now). */
  public FakeClock set(long newMillis) {
    millis = newMillis;
    return this;
  }

  /** Moves the wall clock by {@code deltaMillis} (negative moves it back). */
  public FakeClock advance(long deltaMillis) {
    millis += deltaMillis;
    return this;
  }
}
