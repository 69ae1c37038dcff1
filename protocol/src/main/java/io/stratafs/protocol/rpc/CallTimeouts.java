package io.stratafs.protocol.rpc;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The one timer that ends calls nobody answered, for every client in the process. A wheel timer
 * because arming and cancelling it from the calling thread costs a queue insert, where the event
 * loop's scheduler would wake the loop twice per call; timeouts fire up to a tick (50 ms) late.
 */
final class CallTimeouts {
  static final Timer TIMER =
      new HashedWheelTimer(new DefaultThreadFactory("rpc-call-timeouts", true), 50, TimeUnit.MILLISECONDS);

  private CallTimeouts() {}
}
