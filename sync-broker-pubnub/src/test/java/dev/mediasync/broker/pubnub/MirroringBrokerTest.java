package dev.mediasync.broker.pubnub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.InProcessBroker;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.Topic;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class MirroringBrokerTest {

  /** A mirror that records publishes and fails or never answers on demand. */
  static final class RecordingMirror implements Broker {
    final List<Envelope> published = new ArrayList<>();
    final List<String> subscribed = new ArrayList<>();
    Future<Void> answer = Future.succeededFuture();

    @Override
    public Future<Void> publish(Envelope envelope) {
      published.add(envelope);
      return answer;
    }

    @Override
    public Future<Subscription> subscribe(String userId, Consumer<Envelope> handler) {
      subscribed.add(userId);
      return Future.succeededFuture(Future::succeededFuture);
    }

    @Override
    public Future<Void> ping() {
      return Future.failedFuture("mirror down");
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  @Test
  void publishesToBothSubscribesAndPingsThePrimaryOnly() {
    InProcessBroker primary = new InProcessBroker();
    RecordingMirror mirror = new RecordingMirror();
    MirroringBroker broker = new MirroringBroker(primary, mirror);
    List<Envelope> got = new ArrayList<>();
    broker.subscribe("alice", got::add);
    Envelope e = new Envelope("alice", Topic.SYNC, "{}", Route.EVERY_DEVICE, null);

    mirror.answer = Future.failedFuture("PubNub down");
    Future<Void> f = broker.publish(e);

    assertThat(f.succeeded()).isTrue();
    assertThat(got).containsExactly(e);
    assertThat(mirror.published).containsExactly(e);
    assertThat(mirror.subscribed).isEmpty();
    assertThat(broker.ping().succeeded()).isTrue();
  }
}
