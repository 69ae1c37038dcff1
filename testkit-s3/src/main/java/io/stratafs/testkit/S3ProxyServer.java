package io.stratafs.testkit;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * A real S3 server for tests: S3Proxy on 127.0.0.1 at a free port, objects in memory (its
 * "transient" store: the HTTP, signing and XML paths are the real ones; the disk would only slow
 * the paged listing test on a shared machine), requests signed with AWS v2/v4 checked against
 * {@link #ACCESS_KEY}/{@link #SECRET_KEY}. Storage daemons started in the same JVM find those
 * credentials after {@link #useAsProcessCredentials()}; daemons in other processes need them as
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "strata-test-access";
  public static final String SECRET_KEY = "strata-test-secret";

  private final S3Proxy proxy;
  private final URI endpoint;

  public S3ProxyServer() throws Exception {
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

  public URI endpoint() {
    return endpoint;
  }

  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /**
   * Makes this server's credentials the process's S3 credentials ({@code aws.accessKeyId} /
   * {@code aws.secretAccessKey} system properties, which storage daemons read), for in-process
   * daemons with external targets on this server.
   */
  public static void useAsProcessCredentials() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
  }

  /** Creates {@code bucket} (an existing one is fine). */
  public void createBucket(String bucket) {
    try (S3Client s3 = client()) {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // already there
    }
  }

  /** Every key of {@code bucket} under {@code prefix}, in order (all pages). */
  public java.util.List<String> keysUnder(String bucket, String prefix) {
    try (S3Client s3 = client()) {
      return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
          .map(o -> o.key())
          .toList();
    }
  }

  private S3Client client() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .httpClient(Apache5HttpClient.create())
        .build();
  }

  /** The external-target URI of {@code bucket} (under {@code prefix}, may be empty) on this server. */
  public String targetUri(String bucket, String prefix) {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + "?endpoint=" + endpoint + "&path-style=true";
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
