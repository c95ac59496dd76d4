package dev.mediasync.testkit;

import dev.mediasync.core.PhysicalClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wall clock that only moves when a test moves it, so heartbeats, presence timeouts and token
 * expiry run without sleeping. Starts at the real time so tokens and timestamps look normal.
 * Thread-safe.
 */
public final class FakeClock implements PhysicalClock {
  private final AtomicLong millis;

  public FakeClock() {
    this(System.currentTimeMillis());
  }

  public FakeClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  @Override
  public long currentTimeMillis() {
    return millis.get();
  }

  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  public void set(long epochMillis) {
    millis.set(epochMillis);
  }

  /** The same time as a {@link java.time.Clock}, for APIs that take one (JWT expiry). */
  public Clock asJavaClock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
      }
    };
  }
}
