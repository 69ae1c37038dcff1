package io.stratafs.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusCodeTest {
  @Test
  void everyCodeRoundTripsOnTheWire() {
    for (StatusCode c : StatusCode.values()) {
      assertThat(StatusCode.fromWire(c.wire())).isEqualTo(c);
    }
    assertThat(StatusCode.fromWire(9999)).isEqualTo(StatusCode.INTERNAL);
  }

  @Test
  void everyErrorHasAPositiveErrnoAndOnlyOkHasZero() {
    for (StatusCode c : StatusCode.values()) {
      if (c == StatusCode.OK) {
        assertThat(c.errno()).isZero();
      } else {
        assertThat(c.errno()).as(c.name()).isPositive();
      }
    }
  }

  @Test
  void posixConditionsMapToDistinctPreciseErrnos() {
    // Codes for POSIX conditions (wire < 40) must never collapse to EIO, except IO_ERROR itself.
    Set<Integer> seen = new HashSet<>();
    for (StatusCode c : StatusCode.values()) {
      if (c != StatusCode.OK && c.wire() < 40) {
        assertThat(seen.add(c.errno())).as("errno of %s is unique", c).isTrue();
        if (c != StatusCode.IO_ERROR) {
          assertThat(c.errno()).as(c.name()).isNotEqualTo(StatusCode.Errno.EIO);
        }
      }
    }
  }

  @Test
  void codeOfUnwrapsNestedCauses() {
    var inner = StrataException.of(StatusCode.NOT_EMPTY, "dir %s", "x");
    var outer = new java.util.concurrent.CompletionException(new RuntimeException(inner));
    assertThat(StrataException.codeOf(outer)).isEqualTo(StatusCode.NOT_EMPTY);
    assertThat(StrataException.codeOf(new IllegalStateException())).isEqualTo(StatusCode.INTERNAL);
  }
}
