package io.stratafs.protocol.rpc;

import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.Message;
import io.stratafs.protocol.rpc.wire.RpcHeader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** Builds and reads frames by hand over a plain socket, to play a misbehaving peer. */
final class RawFrames {
  private RawFrames() {}

  /** A frame with honest lengths around arbitrary header and body bytes. */
  static byte[] frame(byte[] header, byte[] body, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(4 + header.length + 4 + body.length + data.length);
    out.writeInt(header.length);
    out.write(header);
    out.writeInt(body.length);
    out.write(body);
    out.write(data);
    return bytes.toByteArray();
  }

  static byte[] request(long callId, String method, Message body) throws IOException {
    return frame(
        RpcHeader.newBuilder().setCallId(callId).setMethod(method).setTimeoutMs(10_000).build().toByteArray(),
        body.toByteArray(),
        new byte[0]);
  }

  /** Reads one reply frame's header (skipping body and data). */
  static RpcHeader readReplyHeader(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    int frameLength = in.readInt();
    byte[] header = new byte[in.readInt()];
    in.readFully(header);
    in.skipNBytes(frameLength - 4L - header.length);
    return RpcHeader.parseFrom(header);
  }

  /** Asserts the server closed this connection (EOF or reset), waiting at most the socket timeout. */
  static void assertClosedByServer(Socket socket) throws IOException {
    try {
      int read = socket.getInputStream().read();
      if (read != -1) {
        fail("expected the server to close the connection, but it sent byte " + read);
      }
    } catch (SocketTimeoutException e) {
      fail("the server neither answered nor closed the connection");
    } catch (IOException e) {
      // Reset by peer: closed as well.
    }
  }
}
