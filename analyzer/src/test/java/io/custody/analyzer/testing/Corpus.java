package io.custody.analyzer.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The third-party test data in {@code shared/corpus}, beside the checkout (as CI lays it out). */
public final class Corpus {

  private Corpus() {}

  /** {@code shared/corpus/<relative>}, found from the working folder upwards; fails clearly when missing. */
  public static Path path(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path c = d.resolve("shared/corpus").resolve(relative);
      if (Files.exists(c)) {
        return c;
      }
    }
    throw new IllegalStateException("shared/corpus/" + relative + " not found above " + dir + " (CI puts shared/ beside the checkout)");
  }
}
