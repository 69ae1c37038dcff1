package io.stratafs.storage.external;

import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Maps the SDK's exceptions to a {@link StatusCode} and a message that says how to recover, once. */
final class S3Errors {
  private final S3Settings settings;

  S3Errors(S3Settings settings) {
    this.settings = settings;
  }

  static boolean isNoSuchBucket(S3Exception e) {
    return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
  }

  StrataException map(SdkException e, String operation, String key) {
    String where = settings.describe();
    if (e instanceof S3Exception s) {
      String code = s.awsErrorDetails() == null ? "" : s.awsErrorDetails().errorCode();
      int status = s.statusCode();
      if (isNoSuchBucket(s)) {
        return new StrataException(
            StatusCode.NOT_FOUND,
            String.format("%s %s: bucket %s does not exist at %s; create it or fix the target URI",
                operation, key, settings.bucket(), where),
            e);
      }
      if (status == 404) {
        return new StrataException(StatusCode.NOT_FOUND, "no object " + key + " in " + where, e);
      }
      if (status == 403 || status == 401) {
        return new StrataException(
            StatusCode.ACCESS_DENIED,
            String.format(
                "%s %s: %s refused access to bucket %s (%s, HTTP %d); set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY (and AWS_REGION) of the daemon to credentials allowed"
                    + " to read, write, list and delete in that bucket",
                operation, key, where, settings.bucket(), code.isEmpty() ? s.getMessage() : code, status),
            e);
      }
      if (status >= 500 || status == 429) {
        return new StrataException(
            StatusCode.UNAVAILABLE,
            String.format("%s %s: %s answered HTTP %d (%s) after %d attempts; retry later",
                operation, key, where, status, code, settings.maxAttempts()),
            e);
      }
      return new StrataException(
          StatusCode.IO_ERROR,
          String.format("%s %s in %s failed: HTTP %d %s: %s", operation, key, where, status, code, s.getMessage()),
          e);
    }
    if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
      return new StrataException(
          StatusCode.ACCESS_DENIED,
          String.format("%s %s in %s: no S3 credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
              operation, key, where),
          e);
    }
    String kind = e instanceof ApiCallTimeoutException ? "timed out" : "could not be reached";
    return new StrataException(
        StatusCode.UNAVAILABLE,
        String.format("%s %s: S3 endpoint %s %s after %d attempts (%s); is the endpoint up and the URI right?",
            operation, key, where, kind, settings.maxAttempts(), rootCause(e)),
        e);
  }

  private static String rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.toString();
  }
}
