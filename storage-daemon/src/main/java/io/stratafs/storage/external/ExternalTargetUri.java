package io.stratafs.storage.external;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An external target as users write it:
 *
 * <ul>
 *   <li>{@code s3://bucket[/prefix][?endpoint=http://host:port&path-style=true&region=eu-west-1]}
 *       — credentials come from {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}, never
 *       from the URI (it ends up in logs and ZooKeeper);
 *   <li>{@code nas:///absolute/dir} — a directory, typically an NFS mount.
 * </ul>
 *
 * {@link #parse} rejects anything else with an {@link IllegalArgumentException} that names the
 * problem and shows the expected form.
 *
 * @param bucket S3 bucket, empty for nas
 * @param prefix key prefix inside the bucket without leading or trailing {@code /}, may be empty
 * @param region S3 region, empty when not given (the caller applies AWS_REGION, then us-east-1)
 * @param directory the nas directory, null for s3
 */
public record ExternalTargetUri(
    Scheme scheme,
    String bucket,
    String prefix,
    Optional<URI> endpoint,
    boolean pathStyle,
    Optional<String> region,
    Path directory) {

  public enum Scheme {
    S3("s3"),
    NAS("nas");

    private final String media;

    Scheme(String media) {
      this.media = media;
    }

    /** The media label of targets of this kind. */
    public String media() {
      return media;
    }
  }

  static final String S3_FORM = "s3://bucket[/prefix][?endpoint=http://host:port&path-style=true&region=REGION]";
  static final String NAS_FORM = "nas:///absolute/directory";
  private static final Set<String> S3_PARAMS = Set.of("endpoint", "path-style", "region");

  public static ExternalTargetUri parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty external target; expected " + S3_FORM + " or " + NAS_FORM);
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed external target '" + text + "': " + e.getMessage(), e);
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new IllegalArgumentException(
          "external target '" + text + "' has no scheme; expected " + S3_FORM + " or " + NAS_FORM);
    }
    return switch (scheme.toLowerCase(java.util.Locale.ROOT)) {
      case "s3" -> parseS3(text, uri);
      case "nas" -> parseNas(text, uri);
      default ->
          throw new IllegalArgumentException(
              "unknown scheme '" + scheme + "' in external target '" + text + "'; expected "
                  + S3_FORM + " or " + NAS_FORM);
    };
  }

  private static ExternalTargetUri parseS3(String text, URI uri) {
    String bucket = uri.getHost() != null ? uri.getHost() : uri.getRawAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("missing bucket in '" + text + "'; expected " + S3_FORM);
    }
    if (uri.getUserInfo() != null || uri.getPort() != -1) {
      throw new IllegalArgumentException(
          "'" + text + "': put the bucket alone after s3:// (no user or port; credentials come from"
              + " AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the server from ?endpoint=)");
    }
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException(
          "invalid bucket name '" + bucket + "' in '" + text
              + "': 3-63 characters, lower-case letters, digits, '.' and '-'");
    }
    String prefix = uri.getPath() == null ? "" : uri.getPath();
    prefix = prefix.replaceAll("^/+", "").replaceAll("/+$", "");
    if (!prefix.isEmpty()) {
      try {
        BlobKeys.check(prefix);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid prefix in '" + text + "': " + e.getMessage(), e);
      }
    }
    if (uri.getFragment() != null) {
      throw new IllegalArgumentException("'" + text + "' has a fragment (#...); expected " + S3_FORM);
    }
    Map<String, String> q = query(text, uri);
    for (String k : q.keySet()) {
      if (!S3_PARAMS.contains(k)) {
        throw new IllegalArgumentException(
            "unknown query parameter '" + k + "' in '" + text + "'; known: endpoint, path-style, region");
      }
    }
    Optional<URI> endpoint = Optional.ofNullable(q.get("endpoint")).map(e -> endpoint(text, e));
    boolean pathStyle = false;
    String ps = q.get("path-style");
    if (ps != null) {
      if (!ps.equals("true") && !ps.equals("false")) {
        throw new IllegalArgumentException("path-style must be true or false, not '" + ps + "', in '" + text + "'");
      }
      pathStyle = ps.equals("true");
    }
    String region = q.get("region");
    if (region != null && !region.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("invalid region '" + region + "' in '" + text + "'");
    }
    return new ExternalTargetUri(
        Scheme.S3, bucket, prefix, endpoint, pathStyle, Optional.ofNullable(region), null);
  }

  private static URI endpoint(String text, String value) {
    URI e;
    try {
      e = new URI(value);
    } catch (URISyntaxException ex) {
      throw new IllegalArgumentException("bad endpoint URL '" + value + "' in '" + text + "': " + ex.getMessage(), ex);
    }
    if (e.getScheme() == null
        || !(e.getScheme().equals("http") || e.getScheme().equals("https"))
        || e.getHost() == null) {
      throw new IllegalArgumentException(
          "bad endpoint URL '" + value + "' in '" + text + "': expected http://host[:port] or https://host[:port]");
    }
    if (e.getRawQuery() != null || e.getFragment() != null) {
      throw new IllegalArgumentException(
          "bad endpoint URL '" + value + "' in '" + text + "': no query or fragment (URL-encode '&' as %26 if needed)");
    }
    return e;
  }

  private static Map<String, String> query(String text, URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "query parameter '" + pair + "' in '" + text + "' is not name=value");
      }
      String k = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (out.put(k, v) != null) {
        throw new IllegalArgumentException("query parameter '" + k + "' repeated in '" + text + "'");
      }
    }
    return out;
  }

  private static ExternalTargetUri parseNas(String text, URI uri) {
    if (uri.getRawAuthority() != null) {
      throw new IllegalArgumentException(
          "nas target '" + text + "' has a host or relative path after nas://; use three slashes and an"
              + " absolute directory: " + NAS_FORM);
    }
    String path = uri.getPath();
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(
          "nas target '" + text + "' needs an absolute directory: " + NAS_FORM);
    }
    if (uri.getRawQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("nas target '" + text + "' takes no query or fragment: " + NAS_FORM);
    }
    for (String seg : path.split("/")) {
      if (seg.equals("..") || seg.equals(".")) {
        throw new IllegalArgumentException("nas target '" + text + "' has a '" + seg + "' segment; give the directory plainly");
      }
    }
    if (path.equals("/")) {
      throw new IllegalArgumentException("nas target '" + text + "' is the root directory; give a directory of its own");
    }
    return new ExternalTargetUri(Scheme.NAS, "", "", Optional.empty(), false, Optional.empty(), Path.of(path));
  }

  /** The canonical text form (what {@link #parse} reads back to an equal value). */
  @Override
  public String toString() {
    if (scheme == Scheme.NAS) {
      return "nas://" + directory;
    }
    StringBuilder b = new StringBuilder("s3://").append(bucket);
    if (!prefix.isEmpty()) {
      b.append('/').append(prefix);
    }
    String sep = "?";
    if (endpoint.isPresent()) {
      b.append(sep).append("endpoint=").append(endpoint.get());
      sep = "&";
    }
    if (pathStyle) {
      b.append(sep).append("path-style=true");
      sep = "&";
    }
    if (region.isPresent()) {
      b.append(sep).append("region=").append(region.get());
    }
    return b.toString();
  }
}
