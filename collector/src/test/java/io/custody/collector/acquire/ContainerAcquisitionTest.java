package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.testing.Corpus;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.StorageOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers in, on third-party images (dfvfs' and plaso's EWF, QCOW2, VMDK, VHD, split raw, made by
 * libewf and qemu-img upstream) and on containers the test makes from a known raw image with the
 * standard tools (ewfacquire, qemu-img convert, affconvert): the item holds the media, its SHA-256 is
 * the raw image's, stored hashes are checked, damage and crafted descriptors are caught.
 */
class ContainerAcquisitionTest {

  /** The media of dfvfs' ext2 images: MD5 recorded upstream, SHA-256 of the split raw parts joined. */
  static final String EXT2_MD5 = "196066add11fb71c4c49cf1bb50d6d24";

  @TempDir Path tmp;
  Case kase;
  final StorageOptions plain = new StorageOptions(false, false, null, 0);

  @BeforeEach
  void open() {
    kase = CaseStore.at(tmp.resolve("home"), Fixtures.CLOCK).open("IR-C", "E", null, null);
  }

  private Item add(Path file) {
    return FileAcquisition.add(kase, file, ItemType.DISK, "vol-0c0ffee", plain, ProgressListener.NONE);
  }

  private ContainerAcquisition.Result read(Path file) {
    return ContainerAcquisition.add(kase, Containers.detect(file).orElseThrow(), file, "vol-0c0ffee", plain, ProgressListener.NONE);
  }

  private JsonNode record(Item item) throws IOException {
    return Json.mapper().readTree(kase.dir().resolve(item.dir()).resolve("container.json").toFile());
  }

  private static String sha256(Path... parts) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (Path p : parts) {
      md.update(Files.readAllBytes(p));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void run(String... cmd) {
    io.custody.evidence.testing.Run r = io.custody.evidence.testing.Run.of(null, cmd);
    assertThat(r.exit()).as(r.toString()).isZero();
  }

  private Path randomRaw(int mib) throws IOException {
    byte[] b = new byte[mib << 20];
    new Random(17).nextBytes(b);
    java.util.Arrays.fill(b, 1 << 20, 2 << 20, (byte) 0); // a zero run, as disks have
    return Files.write(tmp.resolve("known.raw"), b);
  }

  @Test
  void ewf_fromDfvfs_mediaIsTheRawDisk_storedMd5Matches_headerKept() throws Exception {
    Item item = add(Corpus.path("disk/dfvfs/ext2.E01"));
    assertThat(item.type()).isEqualTo(ItemType.DISK);
    assertThat(item.size()).isEqualTo(4194304);
    assertThat(item.hashes().sha256().hex())
        .isEqualTo(sha256(Corpus.path("disk/dfvfs/ext2.splitraw.000"), Corpus.path("disk/dfvfs/ext2.splitraw.001")));
    assertThat(item.hashes().md5()).isEqualTo(EXT2_MD5);
    assertThat(item.notes()).contains("the media of an EWF (E01) image").contains("every hash the container stores matches the media");
    JsonNode c = record(item);
    assertThat(c.path("files").get(0).path("sha256").asText()).isEqualTo(sha256(Corpus.path("disk/dfvfs/ext2.E01")));
    assertThat(c.path("header").path("case_number").asText()).isEqualTo("case");
    assertThat(c.path("header").path("examiner_name").asText()).isEqualTo("examiner");
    assertThat(c.path("stored_hashes").get(0).path("match").asBoolean()).isTrue();
    assertThat(c.path("problems")).isEmpty();
    assertThat(c.path("verifier").get(0).asText()).startsWith("$ ewfverify");
  }

  @Test
  void ewfSplit_fromPlaso_everySegmentRecorded_mediaIsTheMbrDisk() throws Exception {
    ContainerAcquisition.Result r = read(Corpus.path("disk/plaso/image-split.E01"));
    assertThat(r.container().files()).extracting(ContainerAcquisition.ContainerFile::name).containsExactly("image-split.E01", "image-split.E02");
    assertThat(r.item().hashes().sha256().hex()).isEqualTo(sha256(Corpus.path("disk/plaso/tsk_volume_system.raw")));
    assertThat(r.integrityProblem()).isFalse();
  }

  @Test
  void splitRaw_qcow2_vmdk_vhd_fromDfvfs_allGiveTheSameMedia() throws Exception {
    String media = sha256(Corpus.path("disk/dfvfs/ext2.splitraw.000"), Corpus.path("disk/dfvfs/ext2.splitraw.001"));
    ContainerAcquisition.Result split = read(Corpus.path("disk/dfvfs/ext2.splitraw.000"));
    assertThat(split.container().format()).isEqualTo("a split raw image");
    assertThat(split.container().files()).hasSize(2);
    assertThat(split.item().hashes().sha256().hex()).isEqualTo(media);
    assertThat(split.container().notes()).contains("stores no hash");
    for (String f : List.of("ext2.qcow2", "ext2.vmdk")) {
      Item item = add(Corpus.path("disk/dfvfs/other-container-formats/" + f));
      assertThat(item.hashes().sha256().hex()).as(f).isEqualTo(media);
    }
    // The VHD's footer declares 4,212,736 bytes (its CHS geometry rounds up): the media is that, zeros after the ext2's 4 MiB.
    Item vhd = add(Corpus.path("disk/dfvfs/other-container-formats/ext2.vhd"));
    assertThat(vhd.size()).isEqualTo(4212736);
    JsonNode c = record(vhd);
    assertThat(c.path("declared_media_size").asLong()).isEqualTo(4212736);
  }

  @Test
  void madeHere_ewfSplitInThreeSegments_vhdx_vmdkFlat_aff_matchTheKnownRaw() throws Exception {
    Path raw = randomRaw(6);
    String media = sha256(raw);
    run("ewfacquire", "-u", "-q", "-t", tmp.resolve("made").toString(), "-C", "IR-C", "-D", "known raw", "-e", "E. Xaminer", "-E", "ev-1",
        "-N", "none", "-c", "fast", "-S", "2MiB", "-d", "sha1", raw.toString());
    ContainerAcquisition.Result ewf = read(tmp.resolve("made.E01"));
    assertThat(ewf.container().files()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(ewf.item().hashes().sha256().hex()).isEqualTo(media);
    assertThat(ewf.container().storedHashes()).extracting(ContainerAcquisition.StoredHash::algorithm).containsExactly("md5", "sha1");
    assertThat(ewf.container().storedHashes()).allMatch(ContainerAcquisition.StoredHash::match);
    assertThat(ewf.container().header()).containsEntry("case_number", "IR-C").containsEntry("examiner_name", "E. Xaminer");

    run("qemu-img", "convert", "-f", "raw", "-O", "vhdx", raw.toString(), tmp.resolve("made.vhdx").toString());
    assertThat(read(tmp.resolve("made.vhdx")).item().hashes().sha256().hex()).as("VHDX").isEqualTo(media);

    Path flat = Files.createDirectories(tmp.resolve("flat"));
    run("qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=monolithicFlat", raw.toString(), flat.resolve("d.vmdk").toString());
    ContainerAcquisition.Result vmdk = read(flat.resolve("d.vmdk"));
    assertThat(vmdk.container().files()).extracting(ContainerAcquisition.ContainerFile::name).containsExactly("d.vmdk", "d-flat.vmdk");
    assertThat(vmdk.item().hashes().sha256().hex()).as("VMDK descriptor + flat extent").isEqualTo(media);

    run("affconvert", "-o", tmp.resolve("made.aff").toString(), raw.toString());
    ContainerAcquisition.Result aff = read(tmp.resolve("made.aff"));
    assertThat(aff.item().hashes().sha256().hex()).as("AFF").isEqualTo(media);
    assertThat(aff.container().storedHashes()).extracting(ContainerAcquisition.StoredHash::algorithm).contains("md5");
    assertThat(aff.integrityProblem()).isFalse();
  }

  /** A chunk damaged after acquisition: libewf's readers return it silently, ewfverify does not; the item is kept and flagged. */
  @Test
  void ewf_damagedChunk_integrityFinding_itemStillRecorded() throws Exception {
    Path raw = randomRaw(4);
    run("ewfacquire", "-u", "-q", "-t", tmp.resolve("dmg").toString(), "-C", "c", "-D", "d", "-e", "e", "-E", "e", "-N", "n",
        "-c", "none", raw.toString());
    Path e01 = tmp.resolve("dmg.E01");
    try (RandomAccessFile f = new RandomAccessFile(e01.toFile(), "rw")) {
      f.seek(f.length() / 2);
      f.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    }
    ContainerAcquisition.Result r = read(e01);
    assertThat(r.integrityProblem()).isTrue();
    assertThat(String.join("\n", r.container().problems())).contains("chunks failing their checksums at sectors");
    assertThat(r.item().notes()).startsWith("the media of").contains("INTEGRITY: ");
    assertThat(kase.items()).extracting(Item::id).contains(r.item().id());
  }

  @Test
  void hostileContainers_refusedBeforeAnythingIsRead() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("hostile"));
    // A VMDK descriptor that names a file of the workstation as its extent.
    Path evil = Files.writeString(dir.resolve("evil.vmdk"), "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
        + "createType=\"monolithicFlat\"\nRW 16 FLAT \"/etc/passwd\" 0\n");
    assertThatThrownBy(() -> add(evil)).isInstanceOf(InvalidInputException.class).hasMessageContaining("not a file beside it");
    Path up = Files.writeString(dir.resolve("up.vmdk"), "# Disk DescriptorFile\nversion=1\nparentCID=ffffffff\nRW 16 FLAT \"../x\" 0\n");
    assertThatThrownBy(() -> add(up)).isInstanceOf(InvalidInputException.class).hasMessageContaining("not a file beside it");
    Path delta = Files.writeString(dir.resolve("delta.vmdk"), "# Disk DescriptorFile\nversion=1\nparentCID=12345678\n"
        + "parentFileNameHint=\"base.vmdk\"\nRW 16 SPARSE \"delta-s001.vmdk\"\n");
    assertThatThrownBy(() -> add(delta)).isInstanceOf(InvalidInputException.class).hasMessageContaining("needs its parent");
    // A QCOW2 whose backing file is a file of the workstation.
    Path secret = Files.writeString(dir.resolve("secret.raw"), "workstation secret\n".repeat(1000));
    run("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", secret.toString(), dir.resolve("child.qcow2").toString());
    assertThatThrownBy(() -> add(dir.resolve("child.qcow2"))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("differencing image whose backing file");
    // Formats Custody does not read here: refused with the reason and what to do.
    Path aff4 = Files.write(dir.resolve("x.aff4"), java.util.Arrays.copyOf("PK\u0003\u0004....information.turtle".getBytes(StandardCharsets.ISO_8859_1), 4096));
    assertThatThrownBy(() -> add(aff4)).isInstanceOf(InvalidInputException.class).hasMessageContaining("AFF4").hasMessageContaining("--type other");
    Path l01 = Files.write(dir.resolve("x.L01"), java.util.Arrays.copyOf(new byte[] {'L', 'V', 'F', 0x09, 0x0d, 0x0a, (byte) 0xff, 0x00}, 4096));
    assertThatThrownBy(() -> add(l01)).isInstanceOf(InvalidInputException.class).hasMessageContaining("holds files, not a disk's media");
    assertThat(kase.items()).as("nothing refused was recorded").isEmpty();
    assertThat(kase.interruptedItems()).isEmpty();
    // A truncated EWF: libewf reads its missing chunks as zeros without a word; ewfverify names them, and the item says so.
    byte[] e01 = Files.readAllBytes(Corpus.path("disk/dfvfs/ext2.E01"));
    ContainerAcquisition.Result cut = read(Files.write(dir.resolve("cut.E01"), java.util.Arrays.copyOf(e01, e01.length / 2)));
    assertThat(cut.integrityProblem()).isTrue();
    assertThat(cut.container().problems()).anySatisfy(p -> assertThat(p).contains("sectors 0–8191"));
  }

  @Test
  void ewfSegmentNames_followLibewf() {
    assertThat(Containers.ewfExtension("E", 2)).isEqualTo("E02");
    assertThat(Containers.ewfExtension("E", 99)).isEqualTo("E99");
    assertThat(Containers.ewfExtension("E", 100)).isEqualTo("EAA");
    assertThat(Containers.ewfExtension("E", 101)).isEqualTo("EAB");
    assertThat(Containers.ewfExtension("E", 100 + 676)).isEqualTo("FAA");
    assertThat(Containers.ewfExtension("E", 100 + 676 * 22 - 1)).isEqualTo("ZZZ");
    assertThat(Containers.ewfExtension("E", 100 + 676 * 22)).isNull();
  }
}
