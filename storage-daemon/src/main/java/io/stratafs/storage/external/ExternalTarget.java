package io.stratafs.storage.external;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * An external target a storage daemon can reach, as configured with {@code --external NAME=URI}:
 * the name policies refer to, and where it is ({@link ExternalTargetUri}; media {@code s3} or
 * {@code nas} from the scheme).
 */
public record ExternalTarget(String name, ExternalTargetUri uri) {
  public ExternalTarget {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException(
          "external target name '" + name + "' must be letters, digits, '.', '_' or '-' (e.g. s3main)");
    }
  }

  /** Parses {@code NAME=URI}, e.g. {@code archive=s3://bucket/strata?endpoint=http://127.0.0.1:9000}. */
  public static ExternalTarget parse(String text) {
    int eq = text == null ? -1 : text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "external target '" + text + "' must be NAME=URI, e.g. archive=" + ExternalTargetUri.S3_FORM
              + " or nfs=" + ExternalTargetUri.NAS_FORM);
    }
    return new ExternalTarget(text.substring(0, eq).trim(), ExternalTargetUri.parse(text.substring(eq + 1)));
  }

  public String media() {
    return uri.scheme().media();
  }

  /** The URI as published (ZooKeeper, logs): any user info in an endpoint URL is dropped. */
  public String publicUri() {
    if (uri.endpoint().isEmpty() || uri.endpoint().get().getUserInfo() == null) {
      return uri.toString();
    }
    URI e = uri.endpoint().get();
    try {
      URI clean = new URI(e.getScheme(), null, e.getHost(), e.getPort(), e.getPath(), null, null);
      return new ExternalTargetUri(
              uri.scheme(), uri.bucket(), uri.prefix(), java.util.Optional.of(clean), uri.pathStyle(), uri.region(), uri.directory())
          .toString();
    } catch (URISyntaxException ex) {
      return uri.scheme().media() + "://" + uri.bucket();
    }
  }

  @Override
  public String toString() {
    return name + "=" + publicUri();
  }
}
