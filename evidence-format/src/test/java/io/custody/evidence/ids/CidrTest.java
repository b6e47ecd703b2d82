package io.custody.evidence.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.InvalidInputException;
import org.junit.jupiter.api.Test;

class CidrTest {

  @Test
  void networks_accepted() {
    for (String ok : new String[] {"10.0.5.0/24", "0.0.0.0/0", "203.0.113.7/32", "2001:db8::/32", "::/0", "fe80::1/128"}) {
      assertThat(new Cidr(ok).value()).isEqualTo(ok);
    }
  }

  @Test
  void malformed_refusedWithTheValueAndTheShapeExpected() {
    for (String bad : new String[] {"999.1.1.1/99", "10.0.0.0", "10.0.0.256/24", "10.0.0.0/33", "2001:db8::/129", "example.com/24",
        "10.0.0.0/24 ", "1.2.3/8", "::g/64", "", "10.0.0.0/024x"}) {
      assertThatThrownBy(() -> new Cidr(bad)).as(bad).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Failed to parse CIDR").hasMessageContaining("prefix 0-32");
    }
  }
}
