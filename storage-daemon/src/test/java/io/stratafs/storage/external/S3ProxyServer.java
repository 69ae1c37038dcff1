package io.stratafs.storage.external;

import java.net.URI;
import java.util.Optional;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3 server for tests: S3Proxy on 127.0.0.1 at a free port, objects in memory (its
 * "transient" store: the HTTP, signing and XML paths are the real ones; the disk would only slow
 * the paged listing test on a shared machine),
 * requests signed with AWS v2/v4 checked against {@link #ACCESS_KEY}/{@link #SECRET_KEY}.
 */
final class S3ProxyServer implements AutoCloseable {
  static final String ACCESS_KEY = "strata-test-access";
  static final String SECRET_KEY = "strata-test-secret";

  private final S3Proxy proxy;
  private final URI endpoint;

  S3ProxyServer() throws Exception {
    proxy =
        S3Proxy.builder()
            .blobStore(new TransientNio2BlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .build();
    proxy.start(); // returns once Jetty listens
    if (!"STARTED".equals(proxy.getState())) {
      throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
    }
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  URI endpoint() {
    return endpoint;
  }

  static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** A backend on {@code bucket}, creating the bucket. */
  S3Backend backend(String bucket) {
    S3Backend b = new S3Backend(S3Settings.of(bucket, Optional.of(endpoint), true, ""), credentials());
    b.createBucketIfMissing();
    return b;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
