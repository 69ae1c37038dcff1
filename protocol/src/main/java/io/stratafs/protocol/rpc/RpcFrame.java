package io.stratafs.protocol.rpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.CompositeByteBuf;
import io.stratafs.protocol.rpc.wire.RpcHeader;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The wire format of rpc.proto, written once: {@code u32 frame_length, u32 header_length, header,
 * u32 body_length, body, data}, big-endian. A decoded frame's {@code body} and {@code data} are
 * slices of the received frame (no copy, not retained): they live as long as the frame does.
 */
record RpcFrame(RpcHeader header, ByteBuf body, ByteBuf data) {
  /** Size of each u32 length prefix. */
  static final int LENGTH_BYTES = 4;

  /**
   * Parses a frame whose {@code frame_length} prefix was already stripped by the frame decoder.
   */
  static RpcFrame decode(ByteBuf frame) throws MalformedFrameException {
    int frameLength = frame.readableBytes();
    int at = frame.readerIndex();
    if (frameLength < 2 * LENGTH_BYTES) {
      throw MalformedFrameException.withoutCallId(
          "frame of " + frameLength + " bytes is shorter than its two length prefixes");
    }
    long headerLength = frame.getUnsignedInt(at);
    if (headerLength > frameLength - 2L * LENGTH_BYTES) {
      throw MalformedFrameException.withoutCallId(
          "header_length " + headerLength + " exceeds the " + frameLength + "-byte frame");
    }
    RpcHeader header;
    try {
      header = RpcHeader.parseFrom(frame.nioBuffer(at + LENGTH_BYTES, (int) headerLength));
    } catch (InvalidProtocolBufferException e) {
      throw MalformedFrameException.withoutCallId("header does not parse: " + e.getMessage());
    }
    int bodyLengthAt = at + LENGTH_BYTES + (int) headerLength;
    long bodyLength = frame.getUnsignedInt(bodyLengthAt);
    int bodyAt = bodyLengthAt + LENGTH_BYTES;
    long room = (long) at + frameLength - bodyAt;
    if (bodyLength > room) {
      throw MalformedFrameException.forCall(
          header.getCallId(),
          "body_length " + bodyLength + " exceeds the " + room + " bytes left in the frame");
    }
    int dataAt = bodyAt + (int) bodyLength;
    ByteBuf body = frame.slice(bodyAt, (int) bodyLength);
    ByteBuf data = frame.slice(dataAt, at + frameLength - dataAt);
    return new RpcFrame(header, body, data);
  }

  /**
   * Encodes a whole frame, length prefix included. Takes ownership of {@code data}: it becomes
   * a component of the returned buffer (no copy), or is released if encoding fails.
   */
  static ByteBuf encode(ByteBufAllocator alloc, RpcHeader header, Message body, ByteBuf data) {
    ByteBuf prefix = null;
    try {
      int headerLength = header.getSerializedSize();
      int bodyLength = body == null ? 0 : body.getSerializedSize();
      long frameLength =
          (long) LENGTH_BYTES + headerLength + LENGTH_BYTES + bodyLength + data.readableBytes();
      if (frameLength > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "frame of " + frameLength + " bytes does not fit the u32 length of the wire format");
      }
      prefix = alloc.buffer(3 * LENGTH_BYTES + headerLength + bodyLength);
      prefix.writeInt((int) frameLength);
      prefix.writeInt(headerLength);
      ByteBufOutputStream out = new ByteBufOutputStream(prefix);
      header.writeTo(out);
      prefix.writeInt(bodyLength);
      if (body != null) {
        body.writeTo(out);
      }
      if (!data.isReadable()) {
        data.release();
        return prefix;
      }
      CompositeByteBuf frame = alloc.compositeBuffer(2);
      frame.addComponents(true, prefix, data);
      return frame;
    } catch (IOException e) {
      // Writing into a ByteBuf cannot fail with an IOException; a bug if it does.
      release(prefix, data);
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      release(prefix, data);
      throw e;
    }
  }

  private static void release(ByteBuf prefix, ByteBuf data) {
    if (prefix != null && prefix.refCnt() > 0) {
      prefix.release();
    }
    if (data.refCnt() > 0) {
      data.release();
    }
  }
}
