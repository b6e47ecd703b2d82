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

  @Test
  void contains_v4AndV6_neverLooksUpNames() {
    assertThat(new Cidr("10.0.5.0/24").contains("10.0.5.200")).isTrue();
    assertThat(new Cidr("10.0.5.0/24").contains("10.0.6.1")).isFalse();
    assertThat(new Cidr("0.0.0.0/0").contains("203.0.113.5")).isTrue();
    assertThat(new Cidr("203.0.113.5/32").contains("203.0.113.5")).isTrue();
    assertThat(new Cidr("2001:db8::/32").contains("2001:db8::7")).isTrue();
    assertThat(new Cidr("2001:db8::/32").contains("2001:db9::7")).isFalse();
    assertThat(new Cidr("10.0.0.0/8").contains("2001:db8::7")).isFalse();
    assertThat(new Cidr("10.0.0.0/8").contains("example.com")).isFalse();
    assertThat(new Cidr("10.0.0.0/8").contains("999.1.1.1")).isFalse();
    assertThat(new Cidr("10.0.0.0/8").contains(null)).isFalse();
  }
}
