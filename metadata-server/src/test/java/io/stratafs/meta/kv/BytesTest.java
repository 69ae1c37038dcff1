package io.stratafs.meta.kv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BytesTest {
  @Test
  void prefixEndIncrementsTheLastByteBelowFf() {
    assertThat(Bytes.prefixEnd(new byte[] {1, 2})).containsExactly(1, 3);
    assertThat(Bytes.prefixEnd(new byte[] {1, (byte) 0xff})).containsExactly(2);
    assertThat(Bytes.prefixEnd(new byte[] {1, (byte) 0xfe, (byte) 0xff})).containsExactly(1, (byte) 0xff);
  }

  @Test
  void prefixEndIsOpenForEmptyAndAllFf() {
    assertThat(Bytes.prefixEnd(new byte[0])).isNull();
    assertThat(Bytes.prefixEnd(new byte[] {(byte) 0xff, (byte) 0xff})).isNull();
  }
}
