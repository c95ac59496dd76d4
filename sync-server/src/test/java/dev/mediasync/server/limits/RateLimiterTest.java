package dev.mediasync.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.testkit.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final FakeClock clock = new FakeClock();

  private RateLimiter limiter(long devRate, long devBurst, long userRate, long userBurst) {
    return new RateLimiter(
        new RateLimitOptions(devRate, devBurst, userRate, userBurst, 2, 3, 10), clock);
  }

  @Test
  void tryRequest_pastBurst_refusesWithWaitUntilNextToken() {
    RateLimiter l = limiter(2, 2, 0, 0);
    assertThat(l.tryRequest("u", "d").allowed()).isTrue();
    assertThat(l.tryRequest("u", "d").allowed()).isTrue();
    RateLimiter.Decision d = l.tryRequest("u", "d");
    assertThat(d.allowed()).isFalse();
    assertThat(d.scope()).isEqualTo(RateLimiter.Scope.DEVICE);
    assertThat(d.retryAfterNanos()).isEqualTo(Duration.ofMillis(500).toNanos());
    assertThat(d.retryAfterSeconds()).isEqualTo(1);
  }

  @Test
  void tryRequest_afterClockAdvance_refills() {
    RateLimiter l = limiter(1, 1, 0, 0);
    assertThat(l.tryRequest("u", "d").allowed()).isTrue();
    assertThat(l.tryRequest("u", "d").allowed()).isFalse();
    clock.advance(Duration.ofMillis(999));
    assertThat(l.tryRequest("u", "d").allowed()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(l.tryRequest("u", "d").allowed()).isTrue();
  }

  @Test
  void tryRequest_userBucket_isSharedAcrossDevices_andUsersAreIndependent() {
    RateLimiter l = limiter(100, 100, 1, 3);
    assertThat(l.tryRequest("u", "a").allowed()).isTrue();
    assertThat(l.tryRequest("u", "b").allowed()).isTrue();
    assertThat(l.tryRequest("u", null).allowed()).isTrue();
    RateLimiter.Decision d = l.tryRequest("u", "c");
    assertThat(d.scope()).isEqualTo(RateLimiter.Scope.USER);
    assertThat(l.tryRequest("v", "a").allowed()).isTrue();
  }

  @Test
  void retryAfterSeconds_roundsUp() {
    RateLimiter l = limiter(1, 1, 0, 0);
    l.tryRequest("u", "d");
    RateLimiter.Decision d = l.tryRequest("u", "d");
    assertThat(d.retryAfterSeconds()).isEqualTo(1);
    RateLimiter slow =
        new RateLimiter(new RateLimitOptions(0, 0, 0, 0, 0, 0, 1), clock); // everything off
    assertThat(slow.tryRequest("u", "d").allowed()).isTrue();
    assertThat(slow.tryConnect("1.2.3.4").allowed()).isTrue();
    assertThat(slow.tryOpenConnection("u")).isTrue();
  }

  @Test
  void tryConnect_perIp_burstEqualsRate() {
    RateLimiter l = limiter(0, 0, 0, 0);
    for (int i = 0; i < 3; i++) {
      assertThat(l.tryConnect("10.0.0.1").allowed()).isTrue();
    }
    assertThat(l.tryConnect("10.0.0.1").scope()).isEqualTo(RateLimiter.Scope.CONNECT_IP);
    assertThat(l.tryConnect("10.0.0.2").allowed()).isTrue();
  }

  @Test
  void connections_capPerUser_andReleaseFreesASlot() {
    RateLimiter l = limiter(0, 0, 0, 0);
    assertThat(l.tryOpenConnection("u")).isTrue();
    assertThat(l.tryOpenConnection("u")).isTrue();
    assertThat(l.tryOpenConnection("u")).isFalse();
    assertThat(l.tryOpenConnection("v")).isTrue();
    l.connectionClosed("u");
    assertThat(l.openConnections("u")).isEqualTo(1);
    assertThat(l.tryOpenConnection("u")).isTrue();
  }

  @Test
  void sweep_dropsOnlyFullBuckets() {
    RateLimiter l = limiter(1, 2, 0, 0);
    l.tryRequest("u", "d");
    l.tryRequest("u", "d");
    l.sweep(); // empty bucket stays: sweeping it would hand out a fresh burst
    assertThat(l.tryRequest("u", "d").allowed()).isFalse();
    clock.advance(Duration.ofSeconds(10));
    l.sweep();
    assertThat(l.tryRequest("u", "d").allowed()).isTrue();
  }
}
