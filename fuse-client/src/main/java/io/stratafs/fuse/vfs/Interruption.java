package io.stratafs.fuse.vfs;

/**
 * The kernel's INTERRUPT of one request, as a Vfs call that may block for long (a lock wait)
 * sees it: the caller got a signal and the call should end with INTERRUPTED unless it already
 * succeeded. Thread-safe.
 */
public interface Interruption {
  /** For callers that cannot be interrupted (tests, internal calls). */
  Interruption NONE =
      new Interruption() {
        @Override
        public boolean interrupted() {
          return false;
        }

        @Override
        public void onInterrupt(Runnable action) {}
      };

  boolean interrupted();

  /**
   * Runs {@code action} once when the request gets interrupted, at once if it already is. It runs
   * on the thread that received the INTERRUPT: it must not block.
   */
  void onInterrupt(Runnable action);
}
