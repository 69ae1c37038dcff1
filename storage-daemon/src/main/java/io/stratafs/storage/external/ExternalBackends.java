package io.stratafs.storage.external;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

/**
 * Opens the backend an {@link ExternalTargetUri} names, as StrataFS stores chunk data on it:
 * {@code ChecksummedBackend(PrefixedBackend(S3Backend | DirectoryBackend))}.
 */
public final class ExternalBackends {
  private ExternalBackends() {}

  /**
   * Credentials from {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} (or the matching
   * {@code aws.*} system properties). Deliberately not the SDK's default chain: that one also asks
   * the EC2 instance-metadata address, which stalls every start off EC2.
   */
  public static AwsCredentialsProvider environmentCredentials() {
    return AwsCredentialsProviderChain.of(
        EnvironmentVariableCredentialsProvider.create(), SystemPropertyCredentialsProvider.create());
  }

  /** Opens {@code target} with credentials and region defaults from the process environment. */
  public static BlobBackend open(ExternalTargetUri target) {
    return open(target, environmentCredentials(), System.getenv());
  }

  /**
   * Opens {@code target}.
   *
   * @param env where {@code AWS_REGION} is looked up when the URI gives no region
   */
  public static BlobBackend open(ExternalTargetUri target, AwsCredentialsProvider credentials, Map<String, String> env) {
    BlobBackend raw =
        switch (target.scheme()) {
          case NAS -> new DirectoryBackend(target.directory());
          case S3 ->
              new S3Backend(
                  S3Settings.of(
                      target.bucket(),
                      target.endpoint(),
                      target.pathStyle(),
                      target.region().orElse(env.getOrDefault("AWS_REGION", S3Settings.DEFAULT_REGION))),
                  credentials);
        };
    return new ChecksummedBackend(new PrefixedBackend(raw, target.prefix()));
  }
}
