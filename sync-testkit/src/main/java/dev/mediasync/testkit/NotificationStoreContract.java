package dev.mediasync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.engine.port.NotificationStore;
import dev.mediasync.engine.port.StoredNotification;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link NotificationStore} adapter must show (the numbered rules of the port).
 * Durable adapters also override {@link #survivesReopen()} and {@link #reopen()}.
 */
public abstract class NotificationStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private NotificationStore store;

  protected abstract NotificationStore newStore();

  protected boolean survivesReopen() {
    return false;
  }

  protected NotificationStore reopen() {
    throw new UnsupportedOperationException();
  }

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void close() {
    await(store.close());
  }

  protected static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static StoredNotification n(String id, String user, Instant created, long ttlSeconds) {
    return new StoredNotification(
        id, user, "kind", "title " + id, "{\"x\":1}", created, created.plusSeconds(ttlSeconds));
  }

  private static List<String> ids(List<StoredNotification> list) {
    return list.stream().map(StoredNotification::id).toList();
  }

  @Test
  void add_pastMaxPerUser_dropsTheOldest() {
    for (int i = 0; i < 5; i++) {
      await(store.add(n("n" + i, "u", T0.plusSeconds(i), 60), 3));
    }
    assertThat(ids(await(store.list("u", T0)))).containsExactly("n2", "n3", "n4");
  }

  @Test
  void list_keepsEveryField_oldestFirst() {
    await(store.add(n("a", "u", T0, 60), 10));
    await(store.add(new StoredNotification("b", "u", "k2", "t2", null, T0, T0.plusSeconds(9)), 10));
    List<StoredNotification> all = await(store.list("u", T0));
    assertThat(all).containsExactly(n("a", "u", T0, 60), all.get(1));
    assertThat(all.get(1).bodyJson()).isNull();
    assertThat(all.get(1).expiresAt()).isEqualTo(T0.plusSeconds(9));
  }

  @Test
  void unread_isPerDevice_andMarkReadIsIdempotent() {
    await(store.add(n("a", "u", T0, 60), 10));
    await(store.add(n("b", "u", T0, 60), 10));
    await(store.markRead("u", "tv", List.of("a", "unknown")));
    await(store.markRead("u", "tv", List.of("a")));
    assertThat(ids(await(store.unread("u", "tv", T0)))).containsExactly("b");
    assertThat(ids(await(store.unread("u", "phone", T0)))).containsExactly("a", "b");
  }

  @Test
  void markRead_ofAnotherUsersNotification_changesNothing() {
    await(store.add(n("a", "alice", T0, 60), 10));
    await(store.markRead("bob", "tv", List.of("a")));
    assertThat(ids(await(store.unread("alice", "tv", T0)))).containsExactly("a");
  }

  @Test
  void expired_isNeverReturned() {
    await(store.add(n("short", "u", T0, 10), 10));
    await(store.add(n("long", "u", T0, 100), 10));
    assertThat(ids(await(store.list("u", T0.plusSeconds(9))))).containsExactly("short", "long");
    assertThat(ids(await(store.list("u", T0.plusSeconds(10))))).containsExactly("long");
    assertThat(await(store.unread("u", "tv", T0.plusSeconds(100)))).isEmpty();
  }

  @Test
  void users_areIsolated() {
    await(store.add(n("x", "alice", T0, 60), 10));
    assertThat(await(store.list("bob", T0))).isEmpty();
    assertThat(await(store.unread("bob", "tv", T0))).isEmpty();
  }

  @Test
  void reopen_keepsNotificationsAndReadMarks() {
    org.junit.jupiter.api.Assumptions.assumeTrue(survivesReopen());
    await(store.add(n("a", "u", T0, 60), 10));
    await(store.add(n("b", "u", T0, 60), 10));
    await(store.markRead("u", "tv", List.of("a")));
    await(store.close());
    store = reopen();
    assertThat(ids(await(store.unread("u", "tv", T0)))).containsExactly("b");
    assertThat(ids(await(store.list("u", T0)))).containsExactly("a", "b");
  }
}
