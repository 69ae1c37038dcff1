package io.stratafs.common;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The explicit state of a service: NEW → STARTING → RUNNING → CLOSING → CLOSED, with FAILED
 * reachable from STARTING and RUNNING. Transitions are checked; readiness reads {@link #state()}.
 */
public final class LifeCycle {
  public enum State {
    NEW, STARTING, RUNNING, CLOSING, CLOSED, FAILED;

    Set<State> next() {
      return switch (this) {
        case NEW -> EnumSet.of(STARTING, CLOSING, CLOSED);
        case STARTING -> EnumSet.of(RUNNING, CLOSING, FAILED);
        case RUNNING -> EnumSet.of(CLOSING, FAILED);
        case CLOSING -> EnumSet.of(CLOSED);
        case FAILED -> EnumSet.of(CLOSING, CLOSED);
        case CLOSED -> EnumSet.noneOf(State.class);
      };
    }
  }

  private final String name;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

  public LifeCycle(String name) {
    this.name = name;
  }

  public State state() {
    return state.get();
  }

  public boolean isRunning() {
    return state.get() == State.RUNNING;
  }

  /** Moves to {@code to}; throws IllegalStateException if the transition is not allowed. */
  public void transition(State to) {
    State from;
    do {
      from = state.get();
      if (!from.next().contains(to)) {
        throw new IllegalStateException(name + ": illegal transition " + from + " -> " + to);
      }
    } while (!state.compareAndSet(from, to));
  }

  /** Moves to {@code to} only if currently {@code from}; returns whether it did. */
  public boolean compareAndTransition(State from, State to) {
    if (!from.next().contains(to)) {
      throw new IllegalStateException(name + ": illegal transition " + from + " -> " + to);
    }
    return state.compareAndSet(from, to);
  }

  /** Throws UNAVAILABLE unless running: the guard at the top of every served call. */
  public void assertRunning() {
    State s = state.get();
    if (s != State.RUNNING) {
      throw StrataException.of(StatusCode.UNAVAILABLE, "%s is %s", name, s);
    }
  }

  @Override
  public String toString() {
    return name + ":" + state.get();
  }
}
