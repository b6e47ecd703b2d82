package io.custody.evidence.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The repository's tests stand alone: their third-party data is in tests/corpus, with its licences. */
class CorpusTest {

  /** What a reader of a corpus outside the checkout would name; built from parts so this file does not name it. */
  private static final List<String> OUTSIDE = List.of(".." + "/shared", "shared" + "/corpus");

  private static final Set<String> NOT_SOURCE = Set.of(".git", "target", ".venv", "node_modules");

  @Test
  void noTrackedFile_readsACorpusOutsideTheCheckout() throws IOException {
    Path repo = Corpus.repo();
    List<String> files = files(repo);
    assertThat(files).as("files of " + repo).contains("pom.xml", "tests/corpus/README.md");
    List<String> offenders = new ArrayList<>();
    for (String f : files) {
      Path p = repo.resolve(f);
      if (f.endsWith(".md") || !Files.isRegularFile(p)) {
        continue;
      }
      String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
      OUTSIDE.stream().filter(text::contains).forEach(s -> offenders.add(f + ": " + s));
    }
    assertThat(offenders).as("test data belongs in tests/corpus (Corpus.path), not beside the checkout").isEmpty();
  }

  @Test
  void everyCorpusFolder_hasItsReadmeAndLicence() throws IOException {
    Path root = Corpus.path("");
    try (Stream<Path> areas = Files.list(root).filter(Files::isDirectory)) {
      List<Path> sources = areas.flatMap(CorpusTest::list).filter(Files::isDirectory).toList();
      assertThat(sources).isNotEmpty();
      for (Path s : sources) {
        assertThat(s.resolve("README.txt")).as(root.relativize(s).toString()).isRegularFile();
        assertThat(list(s).map(p -> p.getFileName().toString())).as(root.relativize(s) + " licence").anyMatch(n -> n.startsWith("LICENSE"));
      }
    }
  }

  @Test
  void path_missingFile_failsNamingThePath() {
    assertThatThrownBy(() -> Corpus.path("memory/no-such-file"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Corpus.repo().resolve("tests/corpus/memory/no-such-file").toString());
  }

  private static Stream<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tracked and untracked-but-not-ignored files (git), else every file outside build output and the venv. */
  private static List<String> files(Path repo) throws IOException {
    Run git = gitLsFiles(repo);
    if (git != null && git.exit() == 0) {
      return Stream.of(git.out().split("\0")).filter(l -> !l.isEmpty()).toList();
    }
    List<String> out = new ArrayList<>();
    Files.walkFileTree(repo, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return NOT_SOURCE.contains(dir.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        out.add(repo.relativize(file).toString());
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  private static Run gitLsFiles(Path repo) {
    if (!Files.exists(repo.resolve(".git"))) {
      return null;
    }
    try {
      return Run.of(repo, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard");
    } catch (IllegalStateException e) {
      return null; // no git on this machine
    }
  }
}
