package io.stratafs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class SizeConverterTest {
  @Test
  void parsesBinaryUnits() {
    assertThat(SizeConverter.parse("4096")).isEqualTo(4096L);
    assertThat(SizeConverter.parse("512K")).isEqualTo(512L << 10);
    assertThat(SizeConverter.parse("64M")).isEqualTo(64L << 20);
    assertThat(SizeConverter.parse("64m")).isEqualTo(64L << 20);
    assertThat(SizeConverter.parse("64MiB")).isEqualTo(64L << 20);
    assertThat(SizeConverter.parse("64MB")).isEqualTo(64L << 20);
    assertThat(SizeConverter.parse("1G")).isEqualTo(1L << 30);
    assertThat(SizeConverter.parse("2T")).isEqualTo(2L << 40);
    assertThat(SizeConverter.parse("100B")).isEqualTo(100L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "M", "64X", "-1", "0", "0M", "1.5G", "64 M", "1P", "64MiBs", "99999999999999999999", "9000000T"})
  void rejectsEverythingElse(String value) {
    assertThatThrownBy(() -> SizeConverter.parse(value)).isInstanceOf(TypeConversionException.class).hasMessageContaining("'" + value + "'");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 1000, 1024, 1536 * 1024, 64L << 20, 1L << 30, 3L << 40, 5L << 50})
  void formatReadsBack(long bytes) {
    assertThat(SizeConverter.parse(SizeConverter.format(bytes))).isEqualTo(bytes);
  }

  @Test
  void formatIsShort() {
    assertThat(SizeConverter.format(64L << 20)).isEqualTo("64M");
    assertThat(SizeConverter.format(1536L << 10)).isEqualTo("1536K");
  }

  @Test
  void parsesDurations() {
    assertThat(DurationConverter.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationConverter.format(Duration.ofSeconds(30))).isEqualTo("30s");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1", "-1s", "1.5s", "1sec", "PT1S", "s", "99999999999999999999h"})
  void rejectsBadDurations(String value) {
    assertThatThrownBy(() -> DurationConverter.parse(value)).isInstanceOf(TypeConversionException.class);
  }
}
