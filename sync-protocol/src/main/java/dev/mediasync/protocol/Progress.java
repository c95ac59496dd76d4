package dev.mediasync.protocol;

/** Where a device is in one content item: the value of a progress register. */
public record Progress(double positionSeconds, double durationSeconds, PlaybackState state) {}
