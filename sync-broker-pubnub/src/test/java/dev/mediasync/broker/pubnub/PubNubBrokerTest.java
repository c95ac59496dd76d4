package dev.mediasync.broker.pubnub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.protocol.DeviceCommandKind;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.RawJson;
import dev.mediasync.protocol.ServerMessage.DeviceCommand;
import dev.mediasync.protocol.ServerMessage.DeviceOnline;
import dev.mediasync.protocol.ServerMessage.PreferenceUpdate;
import dev.mediasync.protocol.ServerMessage.WatchlistUpdate;
import dev.mediasync.protocol.WatchlistOperation;
import dev.mediasync.testkit.pubnub.FakePubNub;
import dev.mediasync.testkit.pubnub.FakePubNub.Published;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PubNubBrokerTest {
  private static final JsonCodec CODEC = new JsonCodec();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Vertx vertx;
  private FakePubNub fake;
  private final List<PubNubBroker> brokers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    fake = FakePubNub.start(Duration.ofSeconds(2));
  }

  @AfterEach
  void tearDown() {
    for (PubNubBroker b : brokers) {
      await(b.close());
    }
    fake.close();
    await(vertx.close());
  }

  private PubNubOptions options(String node) {
    return PubNubOptions.defaults(FakePubNub.PUBLISH_KEY, FakePubNub.SUBSCRIBE_KEY)
        .withOrigin(fake.origin(), false)
        .withUuid(node)
        .withRetry(10, Duration.ofMillis(20), Duration.ofMillis(200))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  private PubNubBroker broker(PubNubOptions o) {
    PubNubBroker b = new PubNubBroker(vertx, o);
    brokers.add(b);
    return b;
  }

  private static long counter;

  private static String op(String contentId, String device) {
    return CODEC.encode(
        new WatchlistUpdate(
            WatchlistOperation.ADD,
            contentId,
            HybridTimestamp.of(1_700_000_000_000L + ++counter, 0),
            device,
            List.of()));
  }

  private static Envelope syncEnvelope(String user, String json, String writer) {
    WatchlistUpdate op = (WatchlistUpdate) CODEC.decodeOp(json);
    return new Envelope(user, Topic.SYNC, json, Route.allExcept(writer), op.timestamp());
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void publishSendsTheWebSocketJsonAndPutsRoutingInMeta() {
    PubNubBroker broker = broker(options("node-a"));
    String json = op("tmdb:550", "phone");
    Envelope e = syncEnvelope("alice", json, "phone");

    await(broker.publish(e));

    List<Published> got = fake.awaitPublishes("user.alice.sync", 1, WAIT);
    assertThat(got).hasSize(1);
    Published p = got.get(0);
    assertThat(p.message()).isEqualTo(json);
    assertThat(p.json().getString("type")).isEqualTo("watchlist_update");
    assertThat(p.method()).isEqualTo("POST");
    assertThat(p.uuid()).isEqualTo("node-a");
    JsonObject meta = p.metaJson();
    assertThat(meta.getString("node")).isEqualTo("node-a");
    assertThat(meta.getString("user")).isEqualTo("alice");
    assertThat(meta.getString("route")).isEqualTo("all_except");
    assertThat(meta.getString("device_id")).isEqualTo("phone");
    assertThat(meta.getString("op_timestamp")).isEqualTo(e.opTimestamp().toString());
    assertThat(broker.stats().published()).isEqualTo(1);
  }

  @Test
  void fiveHundredPublishesPerChannelArriveInOrder() {
    PubNubBroker broker = broker(options("node-a"));
    List<String> alice = new ArrayList<>();
    List<String> bob = new ArrayList<>();
    List<Future<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String a = op("tmdb:a" + i, "phone");
      String b = op("tmdb:b" + i, "tv");
      alice.add(a);
      bob.add(b);
      futures.add(broker.publish(syncEnvelope("alice", a, "phone")));
      futures.add(broker.publish(syncEnvelope("bob", b, "tv")));
    }
    futures.forEach(PubNubBrokerTest::await);
    assertThat(fake.awaitPublishes("user.alice.sync", 500, WAIT))
        .extracting(Published::message)
        .containsExactlyElementsOf(alice);
    assertThat(fake.awaitPublishes("user.bob.sync", 500, WAIT))
        .extracting(Published::message)
        .containsExactlyElementsOf(bob);
  }

  @Test
  void twoNodesDeliverEachOthersMessagesOnceAndInOrder() {
    PubNubBroker a = broker(options("node-a"));
    PubNubBroker b = broker(options("node-b"));
    List<Envelope> onA = Collections.synchronizedList(new ArrayList<>());
    List<Envelope> onB = Collections.synchronizedList(new ArrayList<>());
    Broker.Subscription subA = await(a.subscribe("alice", onA::add));
    Broker.Subscription subB = await(b.subscribe("alice", onB::add));

    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String json = op("tmdb:" + i, "phone");
      sent.add(json);
      a.publish(syncEnvelope("alice", json, "phone"));
    }
    String online =
        CODEC.encode(new DeviceOnline("tv", "TV", "tv", Instant.parse("2024-01-01T00:00:00Z")));
    b.publish(new Envelope("alice", Topic.DEVICES, online, Route.allExcept("tv"), null));

    eventually(() -> onB.size() == 21);
    // B's own presence message was delivered locally at once, A's ops came over PubNub in order
    assertThat(onB.get(0).json()).isEqualTo(online);
    assertThat(onB.get(0).opTimestamp()).isNull();
    assertThat(onB.subList(1, 21)).extracting(Envelope::json).containsExactlyElementsOf(sent);
    Envelope first = onB.get(1);
    assertThat(first.route()).isEqualTo(Route.allExcept("phone"));
    assertThat(first.topic()).isEqualTo(Topic.SYNC);
    assertThat(first.opTimestamp()).isEqualTo(CODEC.decodeOp(sent.get(0)).timestamp());

    // node A got its own 20 at once (local delivery) and B's presence message over PubNub; its own
    // publishes coming back on the subscription are skipped, so nothing arrives twice
    eventually(() -> a.stats().ownEchoes() == 20 && onA.size() == 21);
    assertThat(onA.subList(0, 20)).extracting(Envelope::json).containsExactlyElementsOf(sent);
    assertThat(onA.get(20).json()).isEqualTo(online);

    await(subB.unsubscribe());
    a.publish(syncEnvelope("alice", op("tmdb:after", "phone"), "phone"));
    eventually(() -> a.stats().ownEchoes() == 21);
    assertThat(onB).hasSize(21);
    await(subA.unsubscribe());
  }

  @Test
  void serverErrorsAreRetriedWithBackoffAndTheMessageArrivesOnce() {
    PubNubBroker broker = broker(options("node-a"));
    fake.failNextPublishes(4);
    String json = op("tmdb:1", "phone");

    Future<Void> f = broker.publish(syncEnvelope("alice", json, "phone"));

    await(f);
    assertThat(fake.publishes("user.alice.sync"))
        .extracting(Published::message)
        .containsExactly(json);
    assertThat(fake.publishAttempts()).isEqualTo(5);
    assertThat(broker.stats().retried()).isEqualTo(4);
  }

  @Test
  void clientErrorsOtherThan429AreNotRetried() {
    PubNubOptions bad =
        new PubNubOptions(
            "wrong-key",
            FakePubNub.SUBSCRIBE_KEY,
            "127.0.0.1",
            fake.port(),
            false,
            "node-a",
            Duration.ofSeconds(2),
            Duration.ofSeconds(10),
            100,
            4,
            5,
            Duration.ofMillis(10),
            Duration.ofMillis(50),
            PubNubOptions.PUBNUB_MAX_MESSAGE_BYTES,
            Duration.ofSeconds(1));
    PubNubBroker broker = broker(bad);
    Future<Void> f = broker.publish(syncEnvelope("alice", op("tmdb:1", "phone"), "phone"));
    assertThatThrownBy(() -> await(f)).hasMessageContaining("400");
    assertThat(fake.publishAttempts()).isEqualTo(1);
    assertThat(broker.stats().failed()).isEqualTo(1);
  }

  @Test
  void aHangingOriginNeverBlocksTheCallerAndTheQueueStaysBounded() {
    PubNubBroker broker =
        broker(
            options("node-a")
                .withQueue(100, 8)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)));
    await(broker.publish(syncEnvelope("warm-up", op("tmdb:w", "phone"), "phone")));
    fake.hangPublishes();
    long worstMicros = 0;
    List<Future<Void>> futures = new ArrayList<>();
    List<String> last = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String user = "u" + (i % 10);
      String json = op("tmdb:" + i, "phone");
      long t0 = System.nanoTime();
      futures.add(broker.publish(syncEnvelope(user, json, "phone")));
      worstMicros = Math.max(worstMicros, (System.nanoTime() - t0) / 1000);
      if (i >= 1990) {
        last.add(json);
      }
    }
    // a call that waited for the hung origin would take at least the 2 s request timeout; the
    // bound is loose because the build machine is shared
    assertThat(worstMicros).as("slowest publish() call, µs").isLessThan(250_000);
    assertThat(broker.stats().held()).isLessThanOrEqualTo(100);
    assertThat(broker.stats().droppedQueueFull()).isGreaterThanOrEqualTo(1900);
    long failedNow = futures.stream().filter(Future::failed).count();
    assertThat(failedNow).isEqualTo(broker.stats().droppedQueueFull());

    fake.delayPublishes(Duration.ZERO);
    // the newest message of every channel survives and is published once PubNub answers again
    for (int u = 0; u < 10; u++) {
      String expected = last.get(u);
      String channel = "user.u" + u + ".sync";
      eventually(
          () -> fake.publishes(channel).stream().anyMatch(p -> p.message().equals(expected)));
    }
    eventually(() -> broker.stats().held() == 0);
  }

  @Test
  void whenTheQueueIsFullTheOldestQueuedMessageIsDropped() {
    PubNubBroker broker =
        broker(
            options("node-a")
                .withQueue(5, 1)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(10)));
    fake.hangPublishes();
    List<String> sent = new ArrayList<>();
    List<Future<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String json = op("tmdb:" + i, "phone");
      sent.add(json);
      futures.add(broker.publish(syncEnvelope("alice", json, "phone")));
    }
    // #0 is in flight, #1..#4 were queued; #5..#9 each pushed out the oldest queued one
    assertThat(broker.stats().droppedQueueFull()).isEqualTo(5);
    for (int i = 1; i <= 5; i++) {
      assertThat(futures.get(i).failed()).as("future %d", i).isTrue();
      assertThat(futures.get(i).cause()).hasMessageContaining("queue full");
    }
    fake.delayPublishes(Duration.ZERO);
    for (int i : new int[] {0, 6, 7, 8, 9}) {
      await(futures.get(i));
    }
    assertThat(fake.publishes("user.alice.sync"))
        .extracting(Published::message)
        .containsExactly(sent.get(0), sent.get(6), sent.get(7), sent.get(8), sent.get(9));
  }

  @Test
  void messagesOverPubNubsLimitAreNotPublishedButCountedAndDeliveredLocally() {
    PubNubBroker broker = broker(options("node-a"));
    List<Envelope> local = Collections.synchronizedList(new ArrayList<>());
    await(broker.subscribe("alice", local::add));
    String big =
        CODEC.encode(
            new PreferenceUpdate(
                "notes",
                new RawJson("\"" + "x".repeat(33 * 1024) + "\""),
                HybridTimestamp.of(1_700_000_000_000L, 1),
                "phone"));
    Envelope e =
        new Envelope(
            "alice",
            Topic.SYNC,
            big,
            Route.allExcept("phone"),
            HybridTimestamp.of(1_700_000_000_000L, 1));

    Future<Void> f = broker.publish(e);
    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).hasMessageContaining("too large");
    assertThat(broker.stats().oversized()).isEqualTo(1);
    assertThat(local).extracting(Envelope::json).containsExactly(big);

    String small = op("tmdb:1", "phone");
    await(broker.publish(syncEnvelope("alice", small, "phone")));
    assertThat(fake.publishes("user.alice.sync"))
        .extracting(Published::message)
        .containsExactly(small);
  }

  @Test
  void forgedOrMalformedMessagesAreDroppedAndCounted() {
    PubNubBroker broker = broker(options("node-a"));
    List<Envelope> got = Collections.synchronizedList(new ArrayList<>());
    await(broker.subscribe("alice", got::add));
    String valid = op("tmdb:ok", "phone");
    String meta = "{\"v\":1,\"node\":\"node-x\",\"user\":\"alice\",\"route\":\"every_device\"}";
    String online =
        CODEC.encode(new DeviceOnline("tv", null, null, Instant.parse("2024-01-01T00:00:00Z")));

    // not JSON at all (PubNub carries it as a string)
    fake.inject("user.alice.sync", "\"{not json\"", meta);
    // valid JSON object that is not a message
    fake.inject("user.alice.sync", "{\"hello\":\"world\"}", meta);
    // a presence message on the sync channel
    fake.inject("user.alice.sync", online, meta);
    // meta names another user than the channel
    fake.inject("user.alice.sync", valid, meta.replace("\"alice\"", "\"mallory\""));
    // no meta at all
    fake.inject("user.alice.sync", valid, null);
    // an op with an invalid device id
    fake.inject("user.alice.sync", valid.replace("\"phone\"", "\"bad device!\""), meta);
    // a route naming an invalid device id
    fake.inject(
        "user.alice.sync",
        valid,
        "{\"node\":\"node-x\",\"user\":\"alice\",\"route\":\"only\",\"device_id\":\"a b\"}");
    // a device command routed to another device than its target
    String cmd =
        CODEC.encode(new DeviceCommand("tv", DeviceCommandKind.PLAY, "tmdb:1", 3.0, "phone", "h1"));
    fake.inject(
        "user.alice.devices",
        cmd,
        "{\"node\":\"node-x\",\"user\":\"alice\",\"route\":\"only\",\"device_id\":\"phone\"}");
    // meta op_timestamp disagreeing with the op
    fake.inject(
        "user.alice.sync",
        valid,
        "{\"node\":\"node-x\",\"user\":\"alice\",\"route\":\"every_device\",\"op_timestamp\":\"1\"}");
    // finally a valid one, which proves the ones before it were processed
    fake.inject("user.alice.sync", valid, meta);

    eventually(() -> got.size() == 1);
    assertThat(got.get(0).json()).isEqualTo(valid);
    assertThat(got.get(0).route()).isEqualTo(Route.EVERY_DEVICE);
    assertThat(broker.stats().rejected()).isEqualTo(9);
  }

  @Test
  void subscribeLoopSurvivesServerErrors() {
    PubNubBroker a = broker(options("node-a"));
    PubNubBroker b = broker(options("node-b"));
    List<Envelope> onB = Collections.synchronizedList(new ArrayList<>());
    await(b.subscribe("alice", onB::add));
    fake.failNextSubscribes(3);
    // the 500s hit B's next polls; messages published meanwhile still arrive, in order
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String json = op("tmdb:" + i, "phone");
      sent.add(json);
      a.publish(syncEnvelope("alice", json, "phone"));
    }
    eventually(() -> onB.size() == 5);
    assertThat(onB).extracting(Envelope::json).containsExactlyElementsOf(sent);
  }

  @Test
  void pingAsksTheOriginForItsTime() {
    await(broker(options("node-a")).ping());
    PubNubBroker nowhere = broker(options("node-a").withOrigin("127.0.0.1:1", false));
    assertThatThrownBy(() -> await(nowhere.ping())).isNotNull();
  }

  @Test
  void theFakeAcceptsGetPublishesAndPassesMetaThrough() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://" + fake.origin();
    String tt0 =
        new JsonObject(
                get(http, base + "/v2/subscribe/" + FakePubNub.SUBSCRIBE_KEY + "/c1/0?tt=0").body())
            .getJsonObject("t")
            .getString("t");
    String msg = URLEncoder.encode("{\"a\":1}", StandardCharsets.UTF_8).replace("+", "%20");
    String meta = URLEncoder.encode("{\"m\":true}", StandardCharsets.UTF_8);
    HttpResponse<String> pub =
        get(
            http,
            base
                + "/publish/"
                + FakePubNub.PUBLISH_KEY
                + "/"
                + FakePubNub.SUBSCRIBE_KEY
                + "/0/c1/0/"
                + msg
                + "?meta="
                + meta);
    assertThat(pub.statusCode()).isEqualTo(200);
    assertThat(pub.body()).startsWith("[1,\"Sent\",\"");
    JsonObject sub =
        new JsonObject(
            get(
                    http,
                    base
                        + "/v2/subscribe/"
                        + FakePubNub.SUBSCRIBE_KEY
                        + "/c1,c2/0?tt="
                        + tt0
                        + "&tr=1")
                .body());
    JsonObject m = sub.getJsonArray("m").getJsonObject(0);
    assertThat(m.getString("c")).isEqualTo("c1");
    assertThat(m.getJsonObject("d")).isEqualTo(new JsonObject().put("a", 1));
    assertThat(m.getJsonObject("u")).isEqualTo(new JsonObject().put("m", true));
    assertThat(fake.publishes("c1")).extracting(Published::method).containsExactly("GET");
  }

  // ---------------------------------------------------------------------------------------------

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void eventually(BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
