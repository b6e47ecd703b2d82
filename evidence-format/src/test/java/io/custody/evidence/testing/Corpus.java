package io.custody.evidence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The third-party test data every module's tests read: {@code tests/corpus} in this repository
 * (what each folder holds, its source and licence: tests/corpus/README.md).
 */
public final class Corpus {

  private static final Pattern PARENT = Pattern.compile("<parent>.*?</parent>", Pattern.DOTALL);

  private Corpus() {}

  /** {@code tests/corpus/<relative>}; fails naming the path when it is missing. */
  public static Path path(String relative) {
    Path p = repo().resolve("tests/corpus").resolve(relative).normalize();
    if (!Files.exists(p)) {
      throw new IllegalStateException("test data missing: " + p + " (tests/corpus/" + relative + ", see tests/corpus/README.md)");
    }
    return p;
  }

  /**
   * The repository root: the system property {@code custody.repo} when set, else the nearest folder
   * above the working folder whose {@code pom.xml} is the one of {@code custody-parent}.
   */
  public static Path repo() {
    String prop = System.getProperty("custody.repo");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    Path start = Path.of("").toAbsolutePath();
    for (Path d = start; d != null; d = d.getParent()) {
      if (isParentPom(d.resolve("pom.xml"))) {
        return d;
      }
    }
    throw new IllegalStateException("no folder above " + start + " holds the pom.xml of custody-parent (the repository root)");
  }

  private static boolean isParentPom(Path pom) {
    if (!Files.isRegularFile(pom)) {
      return false;
    }
    try {
      // A module's pom names custody-parent too, inside <parent>: only the root's own artifactId counts.
      return PARENT.matcher(Files.readString(pom)).replaceAll("").contains("<artifactId>custody-parent</artifactId>");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
