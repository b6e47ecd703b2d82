package io.custody.lime;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import java.util.regex.Pattern;

/**
 * A kernel release as {@code uname -r} prints it, e.g. {@code 6.1.0-26-amd64} or {@code
 * 5.15.0-1050-aws}. It names package files, S3 keys and folders, so only {@code [A-Za-z0-9._+-]}.
 *
 * @throws InvalidInputException from the constructor for anything else
 */
public record KernelRelease(@JsonValue String value) {

  private static final Pattern RELEASE = Pattern.compile("[0-9][A-Za-z0-9._+-]{0,99}");

  public KernelRelease {
    if (value == null || !RELEASE.matcher(value).matches() || value.contains("..")) {
      throw new InvalidInputException("Failed to parse kernel release '" + (value == null ? "" : Printable.of(value))
          + "': expected what uname -r prints, e.g. 6.1.0-26-amd64");
    }
  }

  @JsonCreator
  public static KernelRelease of(String value) {
    return new KernelRelease(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
