package io.custody.collector.acquire;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Forensic and virtual-disk containers recognised by their magic numbers: a file in one of them is
 * not a raw disk, and imaging it as one would record the container's hash as the disk's and leave
 * nothing to mount or analyse. Custody does not read the media inside them yet, so it refuses them
 * as disks (exit 2) and says how to keep the file as it is ({@code --type other}).
 */
final class Containers {

  private Containers() {}

  /** What kind of container the file is, from its first bytes; empty for anything else (a raw disk). */
  static Optional<String> detect(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty(); // a device is a disk
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(512);
    } catch (IOException e) {
      return Optional.empty(); // the acquisition reports what it cannot read
    }
    if (starts(head, new byte[] {'E', 'V', 'F', 0x09, 0x0d, 0x0a, (byte) 0xff, 0x00})) {
      return Optional.of("an EWF (E01) image");
    }
    if (starts(head, new byte[] {'E', 'V', 'F', '2', 0x0d, 0x0a, (byte) 0x81, 0x00})) {
      return Optional.of("an EWF2 (Ex01) image");
    }
    if (starts(head, new byte[] {'L', 'V', 'F', 0x09, 0x0d, 0x0a, (byte) 0xff, 0x00})) {
      return Optional.of("an EWF logical evidence (L01) file");
    }
    if (starts(head, new byte[] {'K', 'D', 'M', 'V'})) {
      return Optional.of("a VMDK (sparse) disk");
    }
    if (starts(head, "# Disk DescriptorFile".getBytes(StandardCharsets.US_ASCII))) {
      return Optional.of("a VMDK descriptor");
    }
    if (starts(head, new byte[] {'Q', 'F', 'I', (byte) 0xfb})) {
      return Optional.of("a QCOW image");
    }
    if (starts(head, "vhdxfile".getBytes(StandardCharsets.US_ASCII))) {
      return Optional.of("a VHDX disk");
    }
    if (starts(head, "conectix".getBytes(StandardCharsets.US_ASCII))) {
      return Optional.of("a VHD (dynamic) disk");
    }
    if (starts(head, new byte[] {'P', 'K', 0x03, 0x04}) && new String(head, StandardCharsets.ISO_8859_1).contains("information.turtle")) {
      return Optional.of("an AFF4 image");
    }
    if (starts(head, "AFF".getBytes(StandardCharsets.US_ASCII)) && head.length > 3 && (head[3] == '1' || head[3] == '2' || head[3] == 'L')) {
      return Optional.of("an AFF image");
    }
    return Optional.empty();
  }

  /**
   * Refuses a container offered as a disk.
   *
   * @throws InvalidInputException when the file is one
   */
  static void refuseAsDisk(Path file, String what) {
    detect(file).ifPresent(kind -> {
      throw new InvalidInputException("Failed to " + what + " '" + Printable.of(file.toString()) + "': it is " + kind
          + ", not a raw disk: imaged as one, its hash would be the container's and nothing in it could be mounted or analysed. "
          + "Custody does not read the media inside containers yet: convert it to raw with the container's own tools "
          + "(ewfexport, qemu-img convert) and add that, or keep the file as it is with --type other");
    });
  }

  private static boolean starts(byte[] b, byte[] magic) {
    if (b.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (b[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
