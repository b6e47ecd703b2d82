package io.custody.evidence.verify;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.CustodyChain;
import io.custody.evidence.tar.TarEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the manifest parser and its checks, and the custody entry parser: any bytes as
 * manifest.json (or a custody entry) must give findings, never an exception.
 */
class ManifestFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void fuzzManifest(byte[] input) throws IOException {
    List<Finding> findings = new ArrayList<>();
    BundleSource none = new BundleSource() {
      @Override
      public void forEach(Handler handler) {}

      @Override
      public boolean canReopen() {
        return true;
      }

      @Override
      public InputStream reopen(String name) {
        return null;
      }
    };
    try (Collector c = new Collector(none, findings, Path.of(System.getProperty("java.io.tmpdir")))) {
      c.entry(new RawEntry("top/manifest.json", TarEntry.Kind.FILE, input.length), new ByteArrayInputStream(input));
      c.finishRawChecks();
      if (c.manifest != null) {
        ManifestCheck.check(c.manifest, c, Map.of("manifest.json", Sha256.digest(input)), CustodyChain.verify(List.of()), findings);
      }
    }
    CustodyChain.verify(List.of(new CustodyChain.EntryFile("custody/000001.json", input)));
  }
}
