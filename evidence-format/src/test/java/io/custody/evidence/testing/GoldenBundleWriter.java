package io.custody.evidence.testing;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Json;
import io.custody.evidence.bundle.Sealer;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.sign.ExaminerKeys;
import io.custody.evidence.sign.KeyAlgorithm;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the committed golden bundle (src/test/resources/golden/) was made: run once with the output
 * folder as argument, then commit the folder. Kept so the vector can be regenerated knowingly (a new
 * golden bundle is a format change).
 */
public final class GoldenBundleWriter {

  private GoldenBundleWriter() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    Path work = Files.createTempDirectory("golden-");
    Files.createDirectories(out);
    ExaminerKeys.Created keys = ExaminerKeys.init(work.resolve("keys"), "CN=Golden Examiner,O=Custody Test Vectors", KeyAlgorithm.EC_P256,
        3650, Clock.systemUTC());
    Case c = CaseStore.at(work.resolve("home"), Fixtures.CLOCK).open("GOLDEN-1", "Golden Examiner", "Custody Test Vectors",
        "EVB 1.0 test vector");
    Fixtures.add(c, ItemSpec.of(ItemType.DISK, "vol-0a1b2c3d4e5f60718", "disk.img").segmentSize(64 << 10)
        .algorithms(EnumSet.of(HashAlgorithm.MD5)).origin("file:/dev/loop7"), Fixtures.data(150_000, 42));
    Fixtures.add(c, ItemSpec.of(ItemType.MEMORY, "i-0a1b2c3d4e5f60718", "mem.lime").compression(Compression.NONE).segmentSize(32 << 10),
        Fixtures.data(40_000, 43));
    Fixtures.add(c, ItemSpec.of(ItemType.METADATA, "i-0a1b2c3d4e5f60718", "instance.json"),
        "{\"InstanceId\": \"i-0a1b2c3d4e5f60718\", \"State\": \"quarantined\"}\n".getBytes(StandardCharsets.UTF_8));
    try (TestTsa tsa = new TestTsa()) {
      Sealer.Result r = Fixtures.seal(c, Fixtures.signer(keys), out.resolve("golden-bundle.tar"), tsa.url());
      tsa.writeRoot(out.resolve("tsa-root.pem"));
      Files.copy(keys.certificate(), out.resolve("examiner.cert.pem"));
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("bundle_id", r.bundleId());
      expected.put("tar_sha256", r.tarSha256().hex());
      expected.put("signer_fingerprint_sha256", Pem.fingerprint(keys.cert()));
      Map<String, String> items = new LinkedHashMap<>();
      for (Item i : c.items()) {
        items.put(i.id(), i.hashes().sha256().hex());
      }
      expected.put("items", items);
      Files.write(out.resolve("expected.json"), Json.write(expected));
    }
  }
}
