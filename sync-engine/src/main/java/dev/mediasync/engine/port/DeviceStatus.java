package dev.mediasync.engine.port;

import java.time.Instant;

/** A known device of a user and whether it is connected now. */
public record DeviceStatus(DeviceInfo info, boolean online, Instant lastSeen) {}
