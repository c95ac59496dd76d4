package dev.mediasync.core;

/**
 * The source of wall-clock milliseconds. Only {@link #system()} reads the real clock; tests pass a
 * fake so skew, stalls and backward jumps can be driven without sleeping.
 */
@FunctionalInterface
public interface PhysicalClock {

  /** Milliseconds since the Unix epoch. May stall or go backwards; callers must cope. */
  long currentTimeMillis();

  static PhysicalClock system() {
    return System::currentTimeMillis;
  }
}
