package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratafs.common.StatusCode;
import io.stratafs.protocol.rpc.wire.Empty;
import io.stratafs.protocol.rpc.wire.RpcHeader;
import io.stratafs.protocol.storage.StorageReply;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A misbehaving peer on a raw socket gets an error reply or a closed connection; others go on. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcMalformedInputTest {
  private static final int MAX_FRAME_BYTES = 64 << 10;

  private final TestService service = new TestService();
  private RpcServer server;
  private RpcClient client;
  private Socket raw;

  @BeforeEach
  void start() throws IOException {
    server = service.builder("malformed").maxFrameBytes(MAX_FRAME_BYTES).build().start();
    client = new RpcClient("well-behaved", MAX_FRAME_BYTES);
    assertWellBehavedClientIsServed();
    raw = new Socket("127.0.0.1", server.port());
    raw.setSoTimeout(5_000);
  }

  @AfterEach
  void stop() throws IOException {
    raw.close();
    client.close();
    server.close();
  }

  @Test
  void garbageBytesCloseTheConnection() throws IOException {
    raw.getOutputStream().write("GARBAGE GARBAGE GARBAGE GARBAGE\n".getBytes(StandardCharsets.US_ASCII));
    RawFrames.assertClosedByServer(raw);
    assertWellBehavedClientIsServed();
  }

  @Test
  void headerLengthBeyondTheFrameClosesTheConnection() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(12);
    out.writeInt(1_000); // header_length larger than the 12-byte frame
    out.writeLong(0);
    raw.getOutputStream().write(bytes.toByteArray());
    RawFrames.assertClosedByServer(raw);
    assertWellBehavedClientIsServed();
  }

  @Test
  void unparsableHeaderClosesTheConnection() throws IOException {
    byte[] notAHeader = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    raw.getOutputStream().write(RawFrames.frame(notAHeader, new byte[0], new byte[0]));
    RawFrames.assertClosedByServer(raw);
    assertWellBehavedClientIsServed();
  }

  @Test
  void oversizedFrameClosesTheConnection() throws IOException {
    new DataOutputStream(raw.getOutputStream()).writeInt(MAX_FRAME_BYTES + 1);
    RawFrames.assertClosedByServer(raw);
    assertWellBehavedClientIsServed();
  }

  @Test
  void bodyLengthBeyondTheFrameIsAnsweredProtocolErrorAndTheConnectionStays() throws IOException {
    byte[] header = RpcHeader.newBuilder().setCallId(99).setMethod(TestService.EPOCH).build().toByteArray();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(4 + header.length + 4 + 2);
    out.writeInt(header.length);
    out.write(header);
    out.writeInt(500); // body_length: only 2 bytes follow
    out.writeShort(0);
    raw.getOutputStream().write(bytes.toByteArray());

    RpcHeader reply = RawFrames.readReplyHeader(raw);
    assertThat(reply.getCallId()).isEqualTo(99);
    assertThat(reply.getReply()).isTrue();
    assertThat(StatusCode.fromWire(reply.getStatus())).isEqualTo(StatusCode.PROTOCOL_ERROR);
    assertThat(reply.getMessage()).contains("body_length 500");

    raw.getOutputStream().write(RawFrames.request(100, TestService.EPOCH, Empty.getDefaultInstance()));
    RpcHeader next = RawFrames.readReplyHeader(raw);
    assertThat(next.getCallId()).isEqualTo(100);
    assertThat(next.getStatus()).isZero();
  }

  @Test
  void unparsableBodyIsAnsweredProtocolErrorWithTheCallId() throws IOException {
    byte[] header = RpcHeader.newBuilder().setCallId(7).setMethod(TestService.ECHO).build().toByteArray();
    byte[] notARequest = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    raw.getOutputStream().write(RawFrames.frame(header, notARequest, new byte[0]));

    RpcHeader reply = RawFrames.readReplyHeader(raw);
    assertThat(reply.getCallId()).isEqualTo(7);
    assertThat(StatusCode.fromWire(reply.getStatus())).isEqualTo(StatusCode.PROTOCOL_ERROR);
    assertThat(reply.getMessage()).contains(TestService.ECHO);
    assertWellBehavedClientIsServed();
  }

  private void assertWellBehavedClientIsServed() {
    StorageReply reply =
        client.callSync(server.address(), TestService.EPOCH, Empty.getDefaultInstance(), StorageReply.parser());
    assertThat(reply.getChunkLength()).isZero();
  }
}
