package io.stratafs.protocol.rpc;

import io.netty.handler.codec.ByteToMessageDecoder;
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
    LengthFieldBasedFrameDecoder decoder =
        new LengthFieldBasedFrameDecoder(
            limitWithPrefix, 0, RpcFrame.LENGTH_BYTES, 0, RpcFrame.LENGTH_BYTES, true);
    // Data frames are megabytes arriving in socket-sized reads: merging them into one growing
    // buffer copies every byte about twice more (each expansion re-copies what came before).
    // A composite keeps the received buffers as they are; readers copy out once, where needed.
    decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
    return decoder;
  }
}
