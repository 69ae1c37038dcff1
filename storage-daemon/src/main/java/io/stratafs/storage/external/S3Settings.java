package io.stratafs.storage.external;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach one bucket.
 *
 * @param endpoint an S3-compatible endpoint ({@code http://127.0.0.1:9000}); empty means AWS
 * @param pathStyle address the bucket as {@code endpoint/bucket} rather than {@code bucket.endpoint}
 *     (most S3-compatible servers need it)
 * @param maxAttempts attempts per call including the first (bounded retries)
 * @param callTimeout deadline of one call including its retries
 */
public record S3Settings(
    String bucket,
    Optional<URI> endpoint,
    boolean pathStyle,
    String region,
    Duration connectTimeout,
    Duration socketTimeout,
    int maxAttempts,
    Duration callTimeout) {
  public static final String DEFAULT_REGION = "us-east-1";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(120);

  public S3Settings {
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("S3 bucket must not be empty");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
  }

  /** Defaults for everything but the bucket, endpoint, addressing style and region. */
  public static S3Settings of(String bucket, Optional<URI> endpoint, boolean pathStyle, String region) {
    return new S3Settings(
        bucket,
        endpoint,
        pathStyle,
        region == null || region.isEmpty() ? DEFAULT_REGION : region,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_SOCKET_TIMEOUT,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_CALL_TIMEOUT);
  }

  String describe() {
    return "s3://" + bucket + " at " + endpoint.map(URI::toString).orElse("AWS " + region);
  }
}
