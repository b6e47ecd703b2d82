package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.tar.StrictTarReader;
import io.custody.evidence.tar.TarEntry;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.testing.Run;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pulled tar: what GNU tar and the strict reader see in it, and entries that lie about their size. */
class TarFeedTest {

  @TempDir Path tmp;

  static TarFeed feed(Map<String, byte[]> files, Map<String, Long> declared) {
    Iterator<Map.Entry<String, byte[]>> it = files.entrySet().iterator();
    return new TarFeed(() -> {
      if (!it.hasNext()) {
        return null;
      }
      var f = it.next();
      return new TarFeed.Entry(f.getKey(), declared.getOrDefault(f.getKey(), (long) f.getValue().length), Instant.parse("2026-03-01T10:05:00Z"),
          new ByteArrayInputStream(f.getValue()));
    });
  }

  @Test
  void read_longNonAsciiAndEmptyEntries_byteExact_inGnuTarAndTheStrictReader() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    String longName = "AWSLogs/" + (("d".repeat(60) + "/").repeat(5)) + "x.json.gz"; // 322 characters: a pax path
    files.put(longName, Fixtures.data(70_000, 5)); // more than one pull
    files.put("AWSLogs/ключ/é.json", "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8));
    files.put("AWSLogs/empty.json", new byte[0]);
    byte[] tar;
    try (InputStream in = feed(files, Map.of())) {
      // small reads: the feed must hand out its buffer piece by piece
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[777];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
      tar = out.toByteArray();
    }
    assertThat(tar.length % 512).isZero();

    List<String> names = new ArrayList<>();
    Map<String, byte[]> back = new LinkedHashMap<>();
    new StrictTarReader(new ByteArrayInputStream(tar), 100).forEach((e, data) -> {
      assertThat(e.kind()).isEqualTo(TarEntry.Kind.FILE);
      names.add(e.name());
      back.put(e.name(), data.readAllBytes());
    });
    assertThat(names).containsExactlyElementsOf(files.keySet());
    files.forEach((k, v) -> assertThat(back.get(k)).as(k).isEqualTo(v));

    Path file = Files.write(tmp.resolve("cloudtrail.tar"), tar);
    Run list = Run.of(null, "tar", "--utc", "-tvf", file.toString());
    assertThat(list.exit()).as(list.toString()).isZero();
    assertThat(list.out()).contains(longName, "AWSLogs/ключ/é.json", "-r--r--r-- 0/0", "2026-03-01 10:05");
    Path out = Files.createDirectories(tmp.resolve("x"));
    Run extract = Run.of(out, "tar", "-xf", file.toString());
    assertThat(extract.exit()).as(extract.toString()).isZero();
    assertThat(out.resolve(longName)).hasBinaryContent(files.get(longName));
  }

  @Test
  void read_entryShorterOrLongerThanDeclared_fails() {
    Map<String, byte[]> files = Map.of("k.json", new byte[10]);
    assertThatThrownBy(() -> feed(files, Map.of("k.json", 11L)).readAllBytes()).isInstanceOf(IOException.class)
        .hasMessageContaining("'k.json' ended after 10 of its 11 bytes");
    assertThatThrownBy(() -> feed(files, Map.of("k.json", 9L)).readAllBytes()).isInstanceOf(IOException.class)
        .hasMessageContaining("'k.json' holds more than its 9 bytes");
  }
}
