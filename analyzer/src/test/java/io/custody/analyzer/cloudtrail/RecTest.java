package io.custody.analyzer.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RecTest {

  /** Year 0000 to 9999, any second, a fraction of 0 to 9 digits: the fast path agrees with Instant.parse. */
  @Property(tries = 2000)
  void epochSecond_isoInstants_equalInstantParse(@ForAll @LongRange(min = -62167219200L, max = 253402300799L) long second,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nano, @ForAll @IntRange(min = 0, max = 9) int digits) {
    String text = Instant.ofEpochSecond(second).toString(); // yyyy-MM-ddTHH:mm:ssZ for whole seconds
    if (digits > 0) {
      text = text.substring(0, 19) + "." + String.format("%09d", nano).substring(0, digits) + "Z";
    }
    assertThat(Rec.epochSecond(text)).as(text).isEqualTo(Instant.parse(text).getEpochSecond());
  }

  @Test
  void epochSecond_otherTextLikeInstantParse() {
    for (String t : new String[] {"2024-02-30T00:00:00Z", "2023-02-29T10:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
        "2024-01-01T00:60:00Z", "2024-1-01T00:00:00Z", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.12x4Z", "2024-01-01 00:00:00Z",
        "", "garbage", "+2024-01-01T00:00:00Z", "2024-01-01T00:00:00.1234567891Z", "-001-01-01T00:00:00Z"}) {
      assertThat(Rec.epochSecond(t)).as(t).isEqualTo(instantParse(t));
    }
    assertThat(Rec.epochSecond("2024-02-29T23:59:59Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59Z").getEpochSecond());
    assertThat(Rec.epochSecond("2024-08-01T12:34:56+02:00")).as("offsets go to Instant.parse")
        .isEqualTo(Instant.parse("2024-08-01T10:34:56Z").getEpochSecond());
    assertThat(Rec.epochSecond("2024-02-30T00:00:00Z")).isEqualTo(Long.MIN_VALUE);
  }

  private static long instantParse(String t) {
    try {
      return Instant.parse(t).getEpochSecond();
    } catch (DateTimeParseException e) {
      return Long.MIN_VALUE;
    }
  }
}
