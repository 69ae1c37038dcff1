package io.stratafs.storage.external;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in one S3 bucket through the AWS SDK v2 and its blocking Apache 5 HTTP client, against
 * AWS or any S3-compatible endpoint (MinIO, Ceph RGW, S3Proxy...). A PutObject is atomic on S3, so
 * {@link #put} needs no temporary name.
 *
 * <p>Compatibility choices: the SDK's default request checksums (aws-chunked uploads with CRC
 * trailers) are switched to "when required" because many S3-compatible servers reject them; our
 * own {@link ChecksummedBackend} covers integrity end to end. Retries are bounded ({@link
 * S3Settings#maxAttempts}) and every call has a deadline, so an unreachable endpoint fails fast
 * as UNAVAILABLE instead of hanging a caller.
 */
public final class S3Backend implements BlobBackend {
  static final long EXPECT_CONTINUE_THRESHOLD_BYTES = 1 << 20;
  private final S3Client s3;
  private final S3Settings settings;
  private final S3Errors errors;

  public S3Backend(S3Settings settings, AwsCredentialsProvider credentials) {
    this.settings = settings;
    this.errors = new S3Errors(settings);
    var builder =
        S3Client.builder()
            // Not the JDK's HttpURLConnection client: it reuses kept-alive connections unchecked,
            // and a PUT against S3Proxy failed "Error writing request body" on all three attempts
            // about one test run in fourteen (ADR 025).
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .connectionTimeout(settings.connectTimeout())
                    .socketTimeout(settings.socketTimeout()))
            .region(Region.of(settings.region()))
            .credentialsProvider(credentials)
            .forcePathStyle(settings.pathStyle())
            // "Expect: 100-continue" costs a round trip per PutObject; worth it only when a refused
            // request (403, 404 bucket) would otherwise waste a large upload.
            .serviceConfiguration(c -> c.expectContinueThresholdInBytes(EXPECT_CONTINUE_THRESHOLD_BYTES))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(r -> r.maxAttempts(settings.maxAttempts()))
                        .apiCallTimeout(settings.callTimeout()));
    settings.endpoint().ifPresent(builder::endpointOverride);
    this.s3 = builder.build();
  }

  public S3Settings settings() {
    return settings;
  }

  @Override
  public void put(String key, ByteBuffer data) {
    BlobKeys.check(key);
    call("writing", key, () -> s3.putObject(b -> b.bucket(settings.bucket()).key(key), RequestBody.fromRemainingByteBuffer(data.duplicate())));
  }

  @Override
  public void put(String key, InputStream in, long length) {
    BlobKeys.check(key);
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length + " for " + key);
    }
    if (length == 0) {
      // An empty body needs no stream, nor a length check.
      call("writing", key, () -> s3.putObject(b -> b.bucket(settings.bucket()).key(key), RequestBody.empty()));
      return;
    }
    // The SDK sends exactly `length` bytes; a shorter stream fails the request, and S3 stores
    // nothing for a failed PutObject.
    try {
      call("writing", key, () -> s3.putObject(b -> b.bucket(settings.bucket()).key(key).contentLength(length), RequestBody.fromInputStream(in, length)));
    } catch (IllegalStateException e) {
      throw new StrataException(
          StatusCode.INVALID_ARGUMENT,
          "content of " + key + " is shorter than the " + length + " bytes announced; nothing stored in " + describe(),
          e);
    }
  }

  @Override
  public ByteBuffer get(String key) {
    BlobKeys.check(key);
    ResponseBytes<GetObjectResponse> r =
        call("reading", key, () -> s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key)));
    return ByteBuffer.wrap(r.asByteArrayUnsafe());
  }

  @Override
  public ByteBuffer get(String key, long offset, int length) {
    Ranges.check(key, offset, length);
    BlobKeys.check(key);
    if (length == 0) {
      // HTTP cannot express an empty range; still say NOT_FOUND for a missing object.
      if (head(key).isEmpty()) {
        throw StrataException.of(StatusCode.NOT_FOUND, "no object %s in %s", key, describe());
      }
      return ByteBuffer.allocate(0);
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    try {
      ResponseBytes<GetObjectResponse> r =
          s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key).range(range));
      return ByteBuffer.wrap(r.asByteArrayUnsafe());
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return ByteBuffer.allocate(0); // the object exists and ends at or before offset
      }
      throw errors.map(e, "reading", key);
    } catch (SdkException e) {
      throw errors.map(e, "reading", key);
    }
  }

  @Override
  public Optional<BlobInfo> head(String key) {
    BlobKeys.check(key);
    try {
      HeadObjectResponse r = s3.headObject(b -> b.bucket(settings.bucket()).key(key));
      return Optional.of(new BlobInfo(key, r.contentLength()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !S3Errors.isNoSuchBucket(e)) {
        return Optional.empty();
      }
      throw errors.map(e, "inspecting", key);
    } catch (SdkException e) {
      throw errors.map(e, "inspecting", key);
    }
  }

  @Override
  public void delete(String key) {
    BlobKeys.check(key);
    call("deleting", key, () -> s3.deleteObject(b -> b.bucket(settings.bucket()).key(key)));
  }

  @Override
  public BlobPage list(String prefix, String startAfter, int limit) {
    Ranges.checkLimit(limit);
    BlobKeys.checkPrefix(prefix);
    ListObjectsV2Response r =
        call(
            "listing",
            prefix,
            () ->
                s3.listObjectsV2(
                    b -> {
                      b.bucket(settings.bucket()).prefix(prefix).maxKeys(limit);
                      if (!startAfter.isEmpty()) {
                        b.startAfter(startAfter);
                      }
                    }));
    List<BlobInfo> out = new ArrayList<>(r.contents().size());
    for (S3Object o : r.contents()) {
      out.add(new BlobInfo(o.key(), o.size()));
    }
    return new BlobPage(out, Boolean.TRUE.equals(r.isTruncated()));
  }

  /** Creates the bucket (tests and first-time setup); an existing bucket of ours is fine. */
  public void createBucketIfMissing() {
    try {
      s3.createBucket(b -> b.bucket(settings.bucket()));
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
        throw errors.map(e, "creating bucket", settings.bucket());
      }
    } catch (SdkException e) {
      throw errors.map(e, "creating bucket", settings.bucket());
    }
  }

  private <T> T call(String operation, String key, Supplier<T> request) {
    try {
      return request.get();
    } catch (SdkClientException e) {
      S3Exception refusal = refusalBehind(e);
      throw errors.map(refusal != null ? refusal : e, operation, key);
    } catch (SdkException e) {
      throw errors.map(e, operation, key);
    }
  }

  /**
   * A server that refuses a request (wrong credentials) may answer before reading its body and
   * close the connection; the client then sees a broken write instead of the answer. When the
   * connection itself was made, one bodiless request tells "refused" (its 403) from "unreachable".
   */
  private S3Exception refusalBehind(SdkClientException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof SocketTimeoutException || c instanceof ApiCallTimeoutException) {
        return null; // never connected, or too slow: asking again would only wait again
      }
    }
    try {
      s3.headBucket(b -> b.bucket(settings.bucket()));
      return null;
    } catch (S3Exception refused) {
      return refused.statusCode() == 403 ? refused : null;
    } catch (SdkException other) {
      return null;
    }
  }

  @Override
  public String describe() {
    return settings.describe();
  }

  @Override
  public void close() {
    s3.close();
  }
}
