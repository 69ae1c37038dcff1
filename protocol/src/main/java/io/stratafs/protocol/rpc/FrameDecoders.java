package io.stratafs.protocol.rpc;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/** The frame splitter both ends put first in their pipelines. */
final class FrameDecoders {
  private FrameDecoders() {}

  /**
   * Splits the stream on the u32 {@code frame_length} prefix, strips it, and fails fast with a
   * TooLongFrameException (before buffering anything) when a frame exceeds {@code maxFrameBytes}.
   */
  static LengthFieldBasedFrameDecoder create(int maxFrameBytes) {
    if (maxFrameBytes < 2 * RpcFrame.LENGTH_BYTES) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 8, got " + maxFrameBytes);
    }
    // Netty's limit counts the prefix itself; ours counts the bytes after it, as rpc.proto says.
    int limitWithPrefix = (int) Math.min(Integer.MAX_VALUE, (long) maxFrameBytes + RpcFrame.LENGTH_BYTES);
    return new LengthFieldBasedFrameDecoder(
        limitWithPrefix, 0, RpcFrame.LENGTH_BYTES, 0, RpcFrame.LENGTH_BYTES, true);
  }
}
