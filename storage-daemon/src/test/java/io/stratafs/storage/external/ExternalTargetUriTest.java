package io.stratafs.storage.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExternalTargetUriTest {
  @Test
  void parsesS3WithEndpointPrefixAndRegion() {
    ExternalTargetUri u =
        ExternalTargetUri.parse("s3://my-bucket/strata/fs1/?endpoint=http://127.0.0.1:9000&path-style=true&region=eu-west-1");
    assertThat(u.scheme()).isEqualTo(ExternalTargetUri.Scheme.S3);
    assertThat(u.bucket()).isEqualTo("my-bucket");
    assertThat(u.prefix()).isEqualTo("strata/fs1");
    assertThat(u.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
    assertThat(u.pathStyle()).isTrue();
    assertThat(u.region()).contains("eu-west-1");
    assertThat(u.scheme().media()).isEqualTo("s3");
    assertThat(ExternalTargetUri.parse(u.toString())).isEqualTo(u);
  }

  @Test
  void parsesPlainS3() {
    ExternalTargetUri u = ExternalTargetUri.parse("s3://bucket");
    assertThat(u.prefix()).isEmpty();
    assertThat(u.endpoint()).isEmpty();
    assertThat(u.pathStyle()).isFalse();
    assertThat(u.region()).isEmpty();
    assertThat(u.toString()).isEqualTo("s3://bucket");
  }

  @Test
  void parsesNas() {
    ExternalTargetUri u = ExternalTargetUri.parse("nas:///mnt/nfs/strata");
    assertThat(u.scheme()).isEqualTo(ExternalTargetUri.Scheme.NAS);
    assertThat(u.directory()).isEqualTo(Path.of("/mnt/nfs/strata"));
    assertThat(u.scheme().media()).isEqualTo("nas");
    assertThat(ExternalTargetUri.parse(u.toString())).isEqualTo(u);
  }

  @Test
  void rejectsBadTargetsPrecisely() {
    bad("", "empty external target");
    bad("/mnt/x", "has no scheme");
    bad("gs://bucket", "unknown scheme 'gs'");
    bad("s3:///prefix", "missing bucket");
    bad("s3://Bad_Bucket", "invalid bucket name");
    bad("s3://user:pw@bucket", "credentials come from");
    bad("s3://bucket/a/../b", "invalid prefix");
    bad("s3://bucket?endpoint=ftp://h:1", "bad endpoint URL 'ftp://h:1'");
    bad("s3://bucket?endpoint=not a url", "malformed external target");
    bad("s3://bucket?endpoint=localhost:9000", "bad endpoint URL");
    bad("s3://bucket?path-style=yes", "path-style must be true or false");
    bad("s3://bucket?pathstyle=true", "unknown query parameter 'pathstyle'");
    bad("s3://bucket?region=a&region=b", "repeated");
    bad("s3://bucket?novalue", "is not name=value");
    bad("nas://relative/dir", "absolute directory");
    bad("nas:relative", "absolute directory");
    bad("nas:///", "root directory");
    bad("nas:///mnt/../etc", "'..' segment");
    bad("nas:///mnt/x?sync=true", "takes no query");
  }

  @Test
  void endpointIsOptionalPerParameter() {
    assertThat(ExternalTargetUri.parse("s3://bucket?region=us-west-2").endpoint()).isEqualTo(Optional.empty());
  }

  private static void bad(String text, String message) {
    assertThatThrownBy(() -> ExternalTargetUri.parse(text))
        .as(text)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
