package io.custody.collector.acquire;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Forensic and virtual-disk containers recognised by their magic numbers (split raw by its numbered
 * names): a file in one of them is not a raw disk. Imaged as one, its hash would be the container's
 * and nothing in it could be mounted or analysed, so Custody reads the media inside it ({@link
 * ContainerAcquisition}) or, for the formats it cannot read here, refuses it with the reason.
 */
public final class Containers {

  /** The most segment files of one container followed (E01 … EZZ is 775). */
  static final int MAX_PARTS = 4096;

  /** The formats recognised, each with the reader Custody uses, or the reason it refuses them. */
  public enum Format {
    EWF("an EWF (E01) image", "ewf", null),
    EWF2("an EWF2 (Ex01) image", null, "libewf 20140813 (Debian 12) reads EWF2 only experimentally and cannot write it, so no "
        + "reading of it could be tested here: export it to E01 or raw with the tool that made it (ewfexport of a newer libewf, "
        + "FTK Imager, EnCase)"),
    L01("an EWF logical evidence (L01) file", null, "it holds files, not a disk's media: keep it as it is with --type other"),
    VMDK("a VMDK disk", "vmdk", null),
    VHD("a VHD disk", "vhd", null),
    VHDX("a VHDX disk", "vhd", null),
    QCOW("a QCOW image", "qemu", null),
    AFF("an AFF image", "afflib", null),
    AFF4("an AFF4 image", null, "no AFF4 reader could be installed here: pyaff4 0.34 (PyPI) pins PyYAML 5.4 and rdflib 4.2.2, which "
        + "no longer build with Python 3.11, and without its pins it needs aff4-snappy (fails to build) and CryptoPlus (imports a "
        + "pycryptodome module removed long ago); Debian 12 packages no AFF4 tool. Export it to raw or E01 with the tool that made it "
        + "(aff4imager --export, Evimetry)"),
    SPLIT_RAW("a split raw image", "raw", null);

    private final String description;
    private final String tskType;
    private final String refusal;

    Format(String description, String tskType, String refusal) {
      this.description = description;
      this.tskType = tskType;
      this.refusal = refusal;
    }

    public String description() {
      return description;
    }

    /** The image type The Sleuth Kit's {@code img_cat -i} is given, "qemu" for qemu-img, null when refused. */
    String reader() {
      return tskType;
    }

    /** Why Custody does not read it, or null. */
    public String refusal() {
      return refusal;
    }
  }

  /**
   * A container and its files, in order (the first, then the further segments or extents).
   *
   * @param files the segment files, first one first
   */
  public record Container(Format format, List<Path> files) {
    public Container {
      files = List.copyOf(files);
    }

    public String description() {
      return format.description() + (files.size() > 1 ? " in " + files.size() + " files" : "");
    }
  }

  private static final Pattern EWF_FIRST = Pattern.compile("(?i)(.*\\.)(e|s|ex|lx|l)01");
  private static final Pattern SPLIT_FIRST = Pattern.compile("(.*\\.)(0+[01])");

  private Containers() {}

  /** The container the file is, from its first bytes (or its numbered name); empty for anything else (a raw disk). */
  public static Optional<Container> detect(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty(); // a device is a disk
    }
    byte[] head;
    byte[] tail = new byte[0];
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(512);
      long size = Files.size(file);
      if (size >= 1024 && size % 512 == 0) {
        tail = lastSector(file, size);
      }
    } catch (IOException e) {
      return Optional.empty(); // the acquisition reports what it cannot read
    }
    Format f = format(head, tail);
    if (f == Format.EWF || f == Format.EWF2 || f == Format.L01) {
      return Optional.of(new Container(f, ewfSegments(file)));
    }
    if (f != null) {
      return Optional.of(new Container(f, List.of(file)));
    }
    List<Path> parts = splitParts(file);
    return parts.size() > 1 ? Optional.of(new Container(Format.SPLIT_RAW, parts)) : Optional.empty();
  }

  private static Format format(byte[] head, byte[] tail) {
    if (starts(head, new byte[] {'E', 'V', 'F', 0x09, 0x0d, 0x0a, (byte) 0xff, 0x00})) {
      return Format.EWF;
    }
    if (starts(head, new byte[] {'E', 'V', 'F', '2', 0x0d, 0x0a, (byte) 0x81, 0x00})) {
      return Format.EWF2;
    }
    if (starts(head, new byte[] {'L', 'V', 'F', 0x09, 0x0d, 0x0a, (byte) 0xff, 0x00})
        || starts(head, new byte[] {'L', 'E', 'F', '2', 0x0d, 0x0a, (byte) 0x81, 0x00})) {
      return Format.L01;
    }
    if (starts(head, new byte[] {'K', 'D', 'M', 'V'}) || starts(head, "# Disk DescriptorFile".getBytes(StandardCharsets.US_ASCII))) {
      return Format.VMDK;
    }
    if (starts(head, new byte[] {'Q', 'F', 'I', (byte) 0xfb})) {
      return Format.QCOW;
    }
    if (starts(head, "vhdxfile".getBytes(StandardCharsets.US_ASCII))) {
      return Format.VHDX;
    }
    if (starts(head, "conectix".getBytes(StandardCharsets.US_ASCII)) || starts(tail, "conectix".getBytes(StandardCharsets.US_ASCII))) {
      return Format.VHD; // dynamic (footer copy first) or fixed (footer last)
    }
    if (starts(head, new byte[] {'P', 'K', 0x03, 0x04}) && new String(head, StandardCharsets.ISO_8859_1).contains("information.turtle")) {
      return Format.AFF4;
    }
    if (starts(head, "AFF10\r\n\0".getBytes(StandardCharsets.US_ASCII)) || starts(head, "AFF20\r\n\0".getBytes(StandardCharsets.US_ASCII))
        || starts(head, "AFFL".getBytes(StandardCharsets.US_ASCII))) {
      return Format.AFF;
    }
    return null;
  }

  private static byte[] lastSector(Path file, long size) throws IOException {
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      ch.position(size - 512);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(512);
      while (b.hasRemaining() && ch.read(b) > 0) {
        // read the footer
      }
      return b.array();
    }
  }

  /**
   * The segment files of an EWF set as libewf names them: {@code .E01 … .E99}, then {@code .EAA …
   * .EZZ}, {@code .FAA …} (the case of the first file kept; Ex01/S01/L01 likewise), up to the first
   * one missing. A set whose first file is not named {@code …01} is that one file.
   */
  static List<Path> ewfSegments(Path first) {
    String name = first.getFileName().toString();
    Matcher m = EWF_FIRST.matcher(name);
    List<Path> out = new ArrayList<>();
    out.add(first);
    if (!m.matches()) {
      return out;
    }
    String prefix = m.group(2);
    boolean upper = Character.isUpperCase(prefix.charAt(0));
    for (int n = 2; n <= MAX_PARTS; n++) {
      String ext = ewfExtension(prefix, n);
      if (ext == null) {
        break;
      }
      Path next = first.resolveSibling(m.group(1) + (upper ? ext.toUpperCase(Locale.ROOT) : ext.toLowerCase(Locale.ROOT)));
      if (!Files.isRegularFile(next)) {
        break;
      }
      out.add(next);
    }
    return out;
  }

  /** The extension of segment {@code n} (from 1): prefix + 01…99, then letters replacing the prefix's tail. */
  static String ewfExtension(String prefix, int n) {
    if (n <= 99) {
      return prefix + String.format(Locale.ROOT, "%02d", n);
    }
    int k = n - 100; // 0 = "AA" after the first letter (E → EAA), then on to FAA … ZZZ
    char first = Character.toUpperCase(prefix.charAt(0));
    if (prefix.length() == 1) {
      int letter = first - 'A' + k / 676;
      if (letter > 25) {
        return null;
      }
      return "" + (char) ('A' + letter) + (char) ('A' + k % 676 / 26) + (char) ('A' + k % 26);
    }
    if (k >= 676) {
      return null;
    }
    return prefix.substring(0, 1) + (char) ('A' + k / 26) + (char) ('A' + k % 26);
  }

  /** The parts of a split raw image named {@code name.000}/{@code name.001}, then numbered on, when there are two or more. */
  static List<Path> splitParts(Path first) {
    Matcher m = SPLIT_FIRST.matcher(first.getFileName().toString());
    List<Path> out = new ArrayList<>();
    out.add(first);
    if (!m.matches()) {
      return out;
    }
    String digits = m.group(2);
    int start = Integer.parseInt(digits);
    for (int n = start + 1; n < start + MAX_PARTS; n++) {
      String ext = String.format(Locale.ROOT, "%0" + digits.length() + "d", n);
      if (ext.length() > digits.length()) {
        break;
      }
      Path next = first.resolveSibling(m.group(1) + ext);
      if (!Files.isRegularFile(next)) {
        break;
      }
      out.add(next);
    }
    return out;
  }

  /**
   * Refuses a container Custody cannot read, with the reason and what to do.
   *
   * @throws InvalidInputException when the file is one
   */
  static void refuseUnreadable(Container c, Path given) {
    if (c.format().refusal() != null) {
      throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': it is " + c.format().description()
          + ", not a raw disk, and Custody does not read its media: " + c.format().refusal()
          + "; or keep the file as it is with --type other");
    }
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
