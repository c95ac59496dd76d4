package dev.mediasync.testkit;

import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.InProcessBroker;

/** The single-node broker against the contract (node B is node A). */
class InProcessBrokerContractTest extends BrokerContract {

  @Override
  protected Broker newBroker() {
    return new InProcessBroker();
  }
}
