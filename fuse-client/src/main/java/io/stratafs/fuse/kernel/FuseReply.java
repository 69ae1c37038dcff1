package io.stratafs.fuse.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The reply being built for one request in a worker's direct buffer: the fuse_out_header is
 * reserved at offset 0 and filled by {@link #seal()}, the payload is written after it, so the
 * whole reply goes to the kernel in one write(2). Not thread-safe (one per worker).
 */
final class FuseReply {
  private final ByteBuffer buf;
  private long unique;
  private int errno;
  private boolean send;
  private boolean deferred;
  /** Inodes whose lookup count this reply raises; taken back if the kernel never gets it. */
  private long[] handedOut = new long[64];
  private int handedOutCount;

  FuseReply(ByteBuffer directBuffer) {
    this.buf = directBuffer.order(ByteOrder.LITTLE_ENDIAN);
  }

  static FuseReply allocate(int capacity) {
    return new FuseReply(ByteBuffer.allocateDirect(capacity));
  }

  /** Starts the reply to request {@code unique}: empty success payload. */
  void begin(long unique) {
    this.unique = unique;
    this.errno = 0;
    this.send = true;
    this.deferred = false;
    this.handedOutCount = 0;
    buf.clear();
    buf.position(FuseConstants.OUT_HEADER_SIZE);
  }

  /** The payload buffer, positioned where the next byte goes. */
  ByteBuffer payload() {
    return buf;
  }

  /** Bytes still free for payload. */
  int remaining() {
    return buf.remaining();
  }

  /**
   * A view of the next up to {@code max} payload bytes for a callee to fill (a READ); call
   * {@link #advance(int)} with how many it wrote.
   */
  ByteBuffer window(int max) {
    int n = Math.min(max, buf.remaining());
    return buf.slice(buf.position(), n);
  }

  void advance(int n) {
    buf.position(buf.position() + n);
  }

  /** Turns the reply into an error: header only, {@code -errno} in the error field. */
  void error(int errno) {
    this.errno = errno;
    buf.clear();
    buf.position(FuseConstants.OUT_HEADER_SIZE);
  }

  void recordHandout(long ino) {
    if (handedOutCount == handedOut.length) {
      handedOut = java.util.Arrays.copyOf(handedOut, handedOutCount * 2);
    }
    handedOut[handedOutCount++] = ino;
  }

  int handedOutCount() {
    return handedOutCount;
  }

  long handedOut(int i) {
    return handedOut[i];
  }

  void clearHandouts() {
    handedOutCount = 0;
  }

  /** FORGET, BATCH_FORGET and a matched INTERRUPT get no reply at all. */
  void none() {
    send = false;
  }

  /**
   * The request is answered later, from another thread, with a reply of its own (a blocking lock
   * wait must not hold a worker); the worker sends nothing and leaves the request in flight.
   */
  void defer() {
    send = false;
    deferred = true;
  }

  boolean deferred() {
    return deferred;
  }

  boolean shouldSend() {
    return send;
  }

  int errno() {
    return errno;
  }

  long unique() {
    return unique;
  }

  /** Writes the out header and returns the buffer from 0 to the reply's end, ready to write. */
  ByteBuffer seal() {
    int len = buf.position();
    buf.putInt(0, len);
    buf.putInt(4, -errno);
    buf.putLong(8, unique);
    buf.position(0).limit(len);
    return buf;
  }
}
