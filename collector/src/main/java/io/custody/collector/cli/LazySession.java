package io.custody.collector.cli;

import io.custody.collector.aws.AwsSession;
import java.util.function.Supplier;

/** An AWS session opened only when a service first needs it, and closed with this. */
final class LazySession implements AutoCloseable {

  private final Supplier<AwsSession> open;
  private AwsSession session;

  LazySession(Supplier<AwsSession> open) {
    this.open = open;
  }

  synchronized AwsSession get() {
    if (session == null) {
      session = open.get();
    }
    return session;
  }

  @Override
  public synchronized void close() {
    if (session != null) {
      session.close();
    }
  }
}
