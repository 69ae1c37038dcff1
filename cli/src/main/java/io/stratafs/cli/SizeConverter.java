package io.stratafs.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses byte sizes strictly: a positive whole number with an optional binary unit, {@code 4096},
 * {@code 512K}, {@code 64M}, {@code 1G}, {@code 2T} (also written {@code 64MiB} or {@code 64MB}; all
 * units are powers of 1024). Anything else, zero, or an overflow is rejected with a message saying
 * what is accepted; picocli prefixes it with the option's name.
 */
public final class SizeConverter implements ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("(\\d+)(?:([KMGT])(?:IB|B)?|B)?");

  @Override
  public Long convert(String value) {
    return parse(value);
  }

  public static long parse(String value) {
    Matcher m = SIZE.matcher(value.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a size; write a whole number of bytes with an optional unit K, M, G or T (e.g. 64M, 1G)");
    }
    int shift = m.group(2) == null ? 0 : 10 * ("KMGT".indexOf(m.group(2).charAt(0)) + 1);
    long number;
    try {
      number = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is too large");
    }
    if (number == 0) {
      throw new TypeConversionException("'" + value + "' must be greater than zero");
    }
    if (Long.numberOfLeadingZeros(number) <= shift) {
      throw new TypeConversionException("'" + value + "' is too large");
    }
    return number << shift;
  }

  /** The shortest exact spelling of {@code bytes} that {@link #parse} reads back (64M, 1536K). */
  public static String format(long bytes) {
    String units = "KMGT";
    int unit = -1;
    long n = bytes;
    while (unit < units.length() - 1 && n != 0 && (n & 1023) == 0) {
      n >>= 10;
      unit++;
    }
    return unit < 0 ? Long.toString(n) : n + String.valueOf(units.charAt(unit));
  }
}
