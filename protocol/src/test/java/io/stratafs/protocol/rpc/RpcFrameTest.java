package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.stratafs.protocol.rpc.wire.RpcHeader;
import io.stratafs.protocol.storage.WriteChunkRequest;
import org.junit.jupiter.api.Test;

/** The wire format of rpc.proto, byte for byte. */
class RpcFrameTest {
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private final RpcHeader header = RpcHeader.newBuilder().setCallId(5).setMethod("m").setEpoch(3).build();
  private final WriteChunkRequest body = WriteChunkRequest.newBuilder().setChunkId(9).build();

  @Test
  void encodesTheDocumentedLayoutAndDecodesItBack() throws Exception {
    byte[] data = {1, 2, 3};
    ByteBuf frame = RpcFrame.encode(alloc, header, body, Unpooled.wrappedBuffer(data));
    try {
      int h = header.getSerializedSize();
      int b = body.getSerializedSize();
      assertThat(frame.readableBytes()).isEqualTo(4 + 4 + h + 4 + b + 3);
      assertThat(frame.getInt(0)).isEqualTo(4 + h + 4 + b + 3);
      assertThat(frame.getInt(4)).isEqualTo(h);
      assertThat(frame.getInt(8 + h)).isEqualTo(b);

      RpcFrame decoded = RpcFrame.decode(frame.skipBytes(4));
      assertThat(decoded.header()).isEqualTo(header);
      assertThat(WriteChunkRequest.parseFrom(decoded.body().nioBuffer())).isEqualTo(body);
      assertThat(TestService.bytes(decoded.data())).containsExactly(data);
    } finally {
      frame.release();
    }
  }

  @Test
  void frameWithoutBodyOrData() throws Exception {
    ByteBuf frame = RpcFrame.encode(alloc, header, null, Unpooled.EMPTY_BUFFER);
    try {
      RpcFrame decoded = RpcFrame.decode(frame.skipBytes(4));
      assertThat(decoded.body().readableBytes()).isZero();
      assertThat(decoded.data().readableBytes()).isZero();
    } finally {
      frame.release();
    }
  }

  @Test
  void inconsistentLengthsAreMalformed() {
    ByteBuf tooShort = Unpooled.buffer().writeInt(0);
    ByteBuf headerTooLong = Unpooled.buffer().writeInt(100).writeInt(0);
    byte[] h = header.toByteArray();
    ByteBuf bodyTooLong = Unpooled.buffer().writeInt(h.length).writeBytes(h).writeInt(10);
    assertThatThrownBy(() -> RpcFrame.decode(tooShort))
        .isInstanceOfSatisfying(MalformedFrameException.class, e -> assertThat(e.hasCallId()).isFalse());
    assertThatThrownBy(() -> RpcFrame.decode(headerTooLong))
        .isInstanceOfSatisfying(MalformedFrameException.class, e -> assertThat(e.hasCallId()).isFalse());
    assertThatThrownBy(() -> RpcFrame.decode(bodyTooLong))
        .isInstanceOfSatisfying(MalformedFrameException.class, e -> assertThat(e.callId()).isEqualTo(5));
  }
}
