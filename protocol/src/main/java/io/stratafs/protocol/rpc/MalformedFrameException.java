package io.stratafs.protocol.rpc;

/**
 * A frame whose inner lengths or header do not parse. Carries the call id when the header was
 * readable, so the receiver can answer PROTOCOL_ERROR to that call instead of dropping the
 * connection.
 */
final class MalformedFrameException extends Exception {
  private static final long NO_CALL_ID = -1;

  private final long callId;

  private MalformedFrameException(String message, long callId) {
    super(message, null, false, false);
    this.callId = callId;
  }

  static MalformedFrameException withoutCallId(String message) {
    return new MalformedFrameException(message, NO_CALL_ID);
  }

  static MalformedFrameException forCall(long callId, String message) {
    return new MalformedFrameException(message, callId);
  }

  boolean hasCallId() {
    return callId != NO_CALL_ID;
  }

  long callId() {
    return callId;
  }
}
