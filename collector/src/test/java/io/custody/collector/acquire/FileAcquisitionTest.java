package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Sha256;
import io.custody.evidence.bundle.Sealer;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.sign.ExaminerKeys;
import io.custody.evidence.sign.KeyAlgorithm;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.verify.BundleVerifier;
import io.custody.evidence.verify.VerificationReport;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.Names;
import io.custody.evidence.workspace.StorageOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Any file name can be added; endless devices are refused unless a size is given; case ids fit their bundles' names. */
class FileAcquisitionTest {

  @TempDir Path tmp;

  private Case open(String id) {
    return CaseStore.at(tmp.resolve("home"), Fixtures.CLOCK).open(id, "E", null, null);
  }

  private VerificationReport sealAndVerify(Case c) {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Sealer.Result r = Fixtures.seal(c, Fixtures.signer(keys), tmp.resolve(c.id() + ".tar"), null);
    return new BundleVerifier(Pem.readCertificates(keys.certificate()), List.of(), tmp).verify(r.bundle());
  }

  @Test
  void longName_storedShortWithItsExtension_originalRecorded_bundleVerifies() throws Exception {
    String longName = "web-server-".repeat(20) + "root-volume.img";
    Path f = Files.write(tmp.resolve(longName), "disk bytes".getBytes(StandardCharsets.US_ASCII));
    Case c = open("IR-1");
    Item item = FileAcquisition.add(c, f, ItemType.OTHER, "vol-0abc", new StorageOptions(false, false, null, 0), ProgressListener.NONE);
    assertThat(item.name()).hasSize(Names.MAX_STORED_NAME).endsWith(".img");
    assertThat(item.notes()).contains("the original file name, as bytes percent-encoded: " + longName);
    assertThat(item.hashes().sha256()).isEqualTo(Sha256.digest(Files.readAllBytes(f)));
    assertThat(sealAndVerify(c).findings()).isEmpty();
  }

  @Test
  void nameNotUtf8_foundAsTheLauncherDecodesIt_storedSafely_bytesRecorded() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("ev"));
    // Java cannot make this name: the shell does, as an attacker's `touch $'\xff'` would
    Process p = new ProcessBuilder("sh", "-c", "printf 'not utf-8 named' > \"$1\"/$(printf 'evil-\\377\\376.img')", "sh", dir.toString()).start();
    assertThat(p.waitFor()).isZero();
    // what the launcher gives for those bytes in a UTF-8 locale: one U+FFFD per byte it cannot decode
    Path asGiven = dir.resolve("evil-\uFFFD\uFFFD.img");
    assertThat(Files.exists(asGiven)).isFalse();
    Case c = open("IR-2");
    Item item = FileAcquisition.add(c, asGiven, ItemType.OTHER, "host-1", new StorageOptions(false, false, null, 0), ProgressListener.NONE);
    assertThat(item.name()).isEqualTo("evil-__.img");
    assertThat(item.notes()).contains("as bytes percent-encoded: evil-%FF%FE.img");
    assertThat(item.origin()).startsWith("file:///").endsWith("/ev/evil-%FF%FE.img");
    assertThat(item.hashes().sha256()).isEqualTo(Sha256.digest("not utf-8 named".getBytes(StandardCharsets.US_ASCII)));
    assertThat(sealAndVerify(c).findings()).isEmpty();
  }

  @Test
  void endlessDevices_refusedWithoutSize_readToTheSizeWithIt() throws Exception {
    Case c = open("IR-3");
    StorageOptions plain = new StorageOptions(false, false, null, 0);
    assertThatThrownBy(() -> FileAcquisition.add(c, Path.of("/dev/zero"), ItemType.OTHER, "zero", plain, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("give --size BYTES");
    Path fifo = tmp.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    assertThatThrownBy(() -> FileAcquisition.add(c, fifo, ItemType.OTHER, "pipe", plain, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("character device or pipe");
    Item zeros = FileAcquisition.add(c, Path.of("/dev/zero"), ItemType.OTHER, "zero", plain, 1L << 20, ProgressListener.NONE);
    assertThat(zeros.size()).isEqualTo(1L << 20);
    assertThat(zeros.hashes().sha256()).isEqualTo(Sha256.digest(new byte[1 << 20]));
    assertThat(c.interruptedItems()).isEmpty();
  }

  @Test
  void caseId_longerThanItsBundlesAllow_refusedWhereItIsMade() {
    String longest = "IR-" + "x".repeat(Names.MAX_CASE_ID - 3);
    assertThatThrownBy(() -> open(longest + "y")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at most " + Names.MAX_CASE_ID);
    Case c = open(longest);
    Fixtures.add(c, io.custody.evidence.workspace.ItemSpec.of(ItemType.OTHER, "note", "a.txt"), "a".getBytes(StandardCharsets.US_ASCII));
    VerificationReport r = sealAndVerify(c);
    assertThat(r.findings()).isEmpty();
    assertThat(r.bundleId()).hasSize(64);
  }

  /** The magic numbers of the containers (reading their media: ContainerAcquisitionTest); a raw disk and a device are not containers. */
  @Test
  void containers_recognisedByMagic_throughLinks_rawDisksAndDevicesAreNot() throws Exception {
    Path e01 = io.custody.evidence.testing.Corpus.path("disk/plaso/image.E01");
    record Magic(String kind, byte[] head) {}
    for (Magic m : List.of(new Magic("EWF2 (Ex01)", new byte[] {'E', 'V', 'F', '2', 0x0d, 0x0a, (byte) 0x81, 0x00}),
        new Magic("VMDK", "KDMV".getBytes(StandardCharsets.US_ASCII)),
        new Magic("VMDK", "# Disk DescriptorFile\nversion=1\n".getBytes(StandardCharsets.US_ASCII)),
        new Magic("QCOW", new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3}),
        new Magic("VHDX", "vhdxfile".getBytes(StandardCharsets.US_ASCII)),
        new Magic("L01", new byte[] {'L', 'V', 'F', 0x09, 0x0d, 0x0a, (byte) 0xff, 0x00}),
        new Magic("AFF image", "AFF10\r\n\0".getBytes(StandardCharsets.US_ASCII)),
        new Magic("AFF4", "PK\u0003\u0004....information.turtle".getBytes(StandardCharsets.ISO_8859_1)))) {
      Path f = Files.write(tmp.resolve("c-" + m.kind().replaceAll("[^A-Za-z0-9]", "")), java.util.Arrays.copyOf(m.head(), 4096));
      assertThat(Containers.detect(f)).as(m.kind()).hasValueSatisfying(k -> assertThat(k.description()).contains(m.kind()));
    }
    byte[] fixedVhd = new byte[8192];
    System.arraycopy("conectix".getBytes(StandardCharsets.US_ASCII), 0, fixedVhd, 8192 - 512, 8);
    assertThat(Containers.detect(Files.write(tmp.resolve("fixed.vhd"), fixedVhd))).as("a fixed VHD: its footer is its last sector")
        .hasValueSatisfying(k -> assertThat(k.format()).isEqualTo(Containers.Format.VHD));
    Path link = Files.createSymbolicLink(tmp.resolve("by-id-e01"), e01);
    assertThat(Containers.detect(link)).as("through a link, as /dev/disk/by-id names things")
        .hasValueSatisfying(k -> assertThat(k.format()).isEqualTo(Containers.Format.EWF));
    Case c = open("IR-5");
    Item viaLink = FileAcquisition.add(c, Files.createSymbolicLink(tmp.resolve("by-id-raw"),
        io.custody.evidence.testing.Corpus.path("disk/plaso/tsk_volume_system.raw")), ItemType.DISK, "vol-0link",
        new StorageOptions(false, false, null, 0), ProgressListener.NONE);
    assertThat(viaLink.hashes().sha256()).as("a link the examiner names is followed")
        .isEqualTo(Sha256.digest(Files.readAllBytes(io.custody.evidence.testing.Corpus.path("disk/plaso/tsk_volume_system.raw"))));
    assertThat(Containers.detect(io.custody.evidence.testing.Corpus.path("disk/plaso/tsk_volume_system.raw"))).as("a raw disk").isEmpty();
    assertThat(Containers.detect(Path.of("/dev/zero"))).as("a device").isEmpty();
  }
}
