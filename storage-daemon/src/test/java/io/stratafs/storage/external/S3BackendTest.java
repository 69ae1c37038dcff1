package io.stratafs.storage.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.testkit.S3ProxyServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The contract against a real S3 server (S3Proxy), plus S3's own failure modes. */
class S3BackendTest extends BlobBackendContract {
  private static S3ProxyServer server;
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  @BeforeAll
  static void startServer() throws Exception {
    server = new S3ProxyServer();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** A backend on {@code bucket} of the test server, creating the bucket. */
  private static S3Backend backend(String bucket) {
    server.createBucket(bucket);
    return new S3Backend(S3Settings.of(bucket, Optional.of(server.endpoint()), true, ""), S3ProxyServer.credentials());
  }

  @Override
  protected BlobBackend newBackend() {
    // A bucket per test keeps tests independent without deleting thousands of keys.
    return backend("contract-" + BUCKETS.incrementAndGet());
  }

  @Test
  @Timeout(60)
  void unreachableEndpointIsUnavailableNamingTheEndpoint() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
    try (S3Backend b = new S3Backend(S3Settings.of("bucket", Optional.of(endpoint), true, ""), S3ProxyServer.credentials())) {
      assertThatThrownBy(() -> b.put("k", ByteBuffer.allocate(1)))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE))
          .hasMessageContaining(endpoint.toString())
          .hasMessageContaining("3 attempts");
      assertThatThrownBy(() -> b.head("k"))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    }
  }

  @Test
  void silentEndpointTimesOutAsUnavailable() throws Exception {
    // Accepts connections (the backlog does) but never answers: the socket timeout must end it.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      URI endpoint = URI.create("http://127.0.0.1:" + silent.getLocalPort());
      S3Settings settings =
          new S3Settings("bucket", Optional.of(endpoint), true, "us-east-1",
              Duration.ofSeconds(1), Duration.ofMillis(300), 2, Duration.ofSeconds(10));
      try (S3Backend b = new S3Backend(settings, S3ProxyServer.credentials())) {
        assertThatThrownBy(() -> b.get("k"))
            .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE))
            .hasMessageContaining(endpoint.toString());
      }
    }
  }

  @Test
  void wrongCredentialsAreAccessDeniedWithAHint() {
    String bucket = "creds-" + BUCKETS.incrementAndGet();
    backend(bucket).close();
    var wrong = StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, "not-the-secret"));
    try (S3Backend b = new S3Backend(S3Settings.of(bucket, Optional.of(server.endpoint()), true, ""), wrong)) {
      assertThatThrownBy(() -> b.put("k", ByteBuffer.allocate(1)))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.ACCESS_DENIED))
          .hasMessageContaining(bucket)
          .hasMessageContaining("AWS_SECRET_ACCESS_KEY");
      assertThatThrownBy(() -> b.list("", "", 10))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.ACCESS_DENIED));
    }
  }

  @Test
  void missingBucketIsNotFoundNamingTheBucket() {
    try (S3Backend b = new S3Backend(S3Settings.of("no-such-bucket", Optional.of(server.endpoint()), true, ""), S3ProxyServer.credentials())) {
      assertThatThrownBy(() -> b.get("k"))
          .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.NOT_FOUND))
          .hasMessageContaining("no-such-bucket");
    }
  }

  @Test
  void opensFromATargetUriWithPrefixAndChecksums() {
    String bucket = "uri-" + BUCKETS.incrementAndGet();
    backend(bucket).close();
    ExternalTargetUri uri =
        ExternalTargetUri.parse("s3://" + bucket + "/fs1?endpoint=" + server.endpoint() + "&path-style=true");
    try (BlobBackend b = ExternalBackends.open(uri, S3ProxyServer.credentials(), Map.of());
        S3Backend raw = backend(bucket)) {
      String key = ChunkObjectLayout.key(42, 1, 0);
      b.put(key, ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertThat(bytes(b.get(key))).containsExactly(1, 2, 3);
      assertThat(raw.head("fs1/" + key).orElseThrow().length()).isEqualTo(3 + ChecksummedBackend.TRAILER_BYTES);
      assertThat(b.describe()).contains("s3://" + bucket).contains(server.endpoint().toString());
    }
  }
}
