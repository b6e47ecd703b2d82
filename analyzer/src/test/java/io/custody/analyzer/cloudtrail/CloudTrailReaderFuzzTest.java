package io.custody.analyzer.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzzes the CloudTrail reader (plain and gzip, its seeds include concatenated documents, repeated
 * keys, bad times, a bad CRC and data after the gzip stream): any bytes give a result, never an
 * exception; the file's SHA-256 is that of every byte; each record handed on is counted and has a
 * valid time; the problems are bounded and quote nothing of the input (every word in them is the
 * reader's own).
 */
class CloudTrailReaderFuzzTest {

  private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9_+/=.-]{5,}");
  private static final Set<String> OWN = ownWords();

  /** The words of the reader's own messages: those of its source. */
  private static Set<String> ownWords() {
    try {
      String src = Files.readString(Path.of("src/main/java/io/custody/analyzer/cloudtrail/CloudTrailReader.java"));
      Set<String> words = new java.util.HashSet<>();
      Matcher m = WORD.matcher(src);
      while (m.find()) {
        words.add(m.group());
      }
      return words;
    } catch (IOException e) {
      throw new IllegalStateException("the fuzz test runs from the analyzer module's folder", e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void fuzzReader(byte[] input) {
    for (CloudTrailReader reader : List.of(new CloudTrailReader(null), new CloudTrailReader(Rec.KEYS, (s, n) -> n.startsWith("C")))) {
      List<ObjectNode> records = new ArrayList<>();
      InputFile f = reader.read(null, "fuzz", new ByteArrayInputStream(input), input.length, records::add);
      assertThat(f.sha256()).isEqualTo(Sha256.digest(input));
      assertThat(f.records()).isEqualTo(records.size());
      assertThat(records).allSatisfy(r -> assertThat(Rec.strictEpochSecond(r.get("eventTime").textValue())).isNotEqualTo(Long.MIN_VALUE));
      assertThat(f.problems()).hasSizeLessThanOrEqualTo(22);
      for (String p : f.problems()) {
        assertThat(p.length()).isLessThan(400);
        Matcher m = WORD.matcher(p);
        while (m.find()) {
          assertThat(OWN).as("a word of the problem '%s' that is not the reader's own", p).contains(m.group().replaceAll("[.]+$", ""));
        }
      }
      if (f.skipped() != null) {
        assertThat(f.skipped().getBytes(StandardCharsets.UTF_8).length).isLessThan(200);
      }
    }
  }
}
