package io.custody.collector.acquire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Printable;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.process.ProcessRunner;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.PendingItem;
import io.custody.evidence.workspace.StorageOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Containers in: the media inside an EWF, VMDK, VHD/VHDX, QCOW, AFF or split raw image acquired as a
 * disk item, so everything downstream (mount, analysis, export) reads the disk, not the container.
 *
 * <p>What is recorded, in the item's {@code container.json}: the container's format and files (name,
 * size, SHA-256 of each, read before the media), what the container says about itself (EWF acquiry
 * header, media size, the MD5/SHA-1 it stores), the reader's command line, the media's hashes as
 * Custody computed them while storing it, and the verdict of the check: every hash stored in the
 * container compared with the media; for EWF, {@code ewfverify} run beside the read for the chunk
 * checksums (libewf's readers fill a chunk that fails its checksum silently, so only ewfverify sees
 * it); for AFF, {@code affinfo -m -S}. A mismatch or a failing chunk is an integrity finding: the item
 * is still recorded (it is what the container holds), its notes say so, and the command exits 1.
 *
 * <p>Readers: The Sleuth Kit's {@code img_cat} (libewf, libvmdk, libvhdi, afflib, split raw) streams
 * the media; QCOW is converted by {@code qemu-img} into a sparse working file in the item's folder
 * (removed before the item is recorded; qemu-img cannot write to a pipe), opened with its backing
 * disabled. Refused before anything is read, with the reason: a QCOW with a backing file, an external
 * data file or encryption, and a VMDK whose descriptor names an extent outside its own folder or a
 * parent disk (a crafted descriptor could otherwise make the reader copy any file of the workstation,
 * /etc/shadow or /dev/nvme0n1, into the evidence).
 */
public final class ContainerAcquisition {

  /** The largest VMDK descriptor read (they are a few hundred bytes). */
  static final int MAX_DESCRIPTOR = 64 << 10;

  private static final Pattern EXTENT = Pattern.compile("^\\s*(RW|RDONLY|NOACCESS)\\s+(\\d+)\\s+(\\w+)(?:\\s+\"([^\"]*)\")?.*$");

  private ContainerAcquisition() {}

  /** One file of the container as it was read. */
  @JsonPropertyOrder({"name", "size", "sha256"})
  public record ContainerFile(@JsonProperty("name") String name, @JsonProperty("size") long size, @JsonProperty("sha256") String sha256) {}

  /** A hash the container stores, compared with the media's. */
  @JsonPropertyOrder({"algorithm", "stored", "media", "match"})
  public record StoredHash(@JsonProperty("algorithm") String algorithm, @JsonProperty("stored") String stored,
      @JsonProperty("media") String media, @JsonProperty("match") boolean match) {}

  /**
   * The record of a container read, kept as {@code container.json} in the item.
   *
   * @param verifier the container's own verification tool, its exit status and what it said (bounded)
   * @param problems the integrity findings; empty when every check passed
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"format", "files", "reader", "declared_media_size", "bytes_per_sector", "header", "stored_hashes", "verifier",
      "problems", "notes"})
  public record ContainerRecord(@JsonProperty("format") String format, @JsonProperty("files") List<ContainerFile> files,
      @JsonProperty("reader") String reader, @JsonProperty("declared_media_size") Long declaredMediaSize,
      @JsonProperty("bytes_per_sector") Integer bytesPerSector, @JsonProperty("header") Map<String, String> header,
      @JsonProperty("stored_hashes") List<StoredHash> storedHashes, @JsonProperty("verifier") List<String> verifier,
      @JsonProperty("problems") List<String> problems, @JsonProperty("notes") String notes) {}

  /** The item acquired and the container's record. */
  @JsonPropertyOrder({"item", "container"})
  public record Result(@JsonProperty("item") Item item, @JsonProperty("container") ContainerRecord container) {

    /** True when a stored hash or a chunk checksum did not match: an integrity finding. */
    public boolean integrityProblem() {
      return !container.problems().isEmpty();
    }
  }

  /**
   * Reads the media of the container into a new disk item.
   *
   * @throws InvalidInputException when the container is one Custody refuses, or unsafe to open
   * @throws HostException when a reader fails (nothing is recorded as acquired; the failure is)
   */
  public static Result add(Case kase, Containers.Container c, Path given, String sourceId, StorageOptions options,
      ProgressListener progress) {
    Containers.refuseUnreadable(c, given);
    Path first = c.files().get(0).toAbsolutePath();
    List<Path> files = new ArrayList<>(c.files());
    if (c.format() == Containers.Format.VMDK) {
      files = vmdkFiles(first, given);
    }
    Probe probe = switch (c.format()) {
      case EWF -> ewfProbe(files);
      case AFF -> affProbe(first);
      case QCOW -> qcowProbe(first, given);
      default -> new Probe(null, null, Map.of(), Map.of(), null);
    };
    List<ContainerFile> hashed = new ArrayList<>();
    for (Path f : files) {
      hashed.add(hashFile(f, given));
    }
    Long declared = probe.mediaSize;
    Integer sectorSize = probe.sectorSize;
    String reader;
    if (!"qemu".equals(c.format().reader())) {
      ImgStat stat = imgStat(c.format().reader(), files, given);
      declared = declared != null ? declared : stat.size;
      sectorSize = sectorSize != null ? sectorSize : stat.sectorSize;
    }
    Set<HashAlgorithm> algorithms = EnumSet.noneOf(HashAlgorithm.class);
    boolean aff = c.format() == Containers.Format.AFF; // its stored hashes are known only after the read
    if (options.md5() || aff || probe.stored.containsKey("md5")) {
      algorithms.add(HashAlgorithm.MD5);
    }
    if (options.sha1() || aff || probe.stored.containsKey("sha1")) {
      algorithms.add(HashAlgorithm.SHA1);
    }
    ItemSpec spec = options.spec(ItemType.DISK, sourceId, "image.raw", "file:" + first).algorithms(algorithms);
    spec.notes("the media of " + c.description() + " (" + Printable.of(given.toString()) + "); the container's files, hashes and header "
        + "are in container.json");
    kase.toolLog("case add --type disk --source-id " + sourceId + " " + first + " (" + c.description() + ")");
    try (PendingItem pending = kase.begin(spec)) {
      CompletableFuture<ProcessRunner.Result> verifying = probe.verifier == null ? null
          : CompletableFuture.supplyAsync(() -> probe.verifier.run());
      Path work = null;
      try {
        InputStream media;
        if ("qemu".equals(c.format().reader())) {
          work = pending.folder().resolve(".media.raw");
          ProcessRunner convert = ProcessRunner.of("qemu-img", "convert", "-O", "raw", qemuSpec(first), work.toString())
              .timeout(Duration.ofHours(48)).debianPackage("qemu-utils");
          reader = convert.line();
          convert.check();
          media = Files.newInputStream(work);
        } else {
          List<String> cmd = new ArrayList<>(List.of("img_cat", "-i", c.format().reader()));
          if (c.format() == Containers.Format.VMDK) {
            cmd.add(first.toString()); // the descriptor: libvmdk opens the extents beside it
          } else {
            files.forEach(f -> cmd.add(f.toAbsolutePath().toString()));
          }
          ProcessRunner cat = ProcessRunner.of(cmd).timeout(Duration.ofMinutes(10)).debianPackage("sleuthkit");
          reader = cat.line();
          media = cat.stream();
        }
        try (InputStream in = media) {
          pending.write(in, declared == null ? -1 : declared, progress);
        }
      } catch (IOException e) {
        pending.fail(e.getMessage());
        throw new HostException("Failed to read the media of " + c.description() + " '" + Printable.of(given.toString()) + "': "
            + e.getMessage(), e);
      } finally {
        if (work != null) {
          try {
            Files.deleteIfExists(work);
          } catch (IOException e) {
            // the item's close removes what is left
          }
        }
      }
      io.custody.evidence.hash.HashResult written = pending.result();
      List<String> problems = new ArrayList<>();
      List<String> verifierLines = null;
      Map<String, String> stored = new LinkedHashMap<>(probe.stored);
      if (verifying != null) {
        ProcessRunner.Result v = verifying.join();
        verifierLines = boundedLines(v, probe.verifier.line());
        problems.addAll(probe.verdict(v));
        if (aff) {
          stored.putAll(affStored(v.text()));
        }
      }
      List<StoredHash> compared = new ArrayList<>();
      for (Map.Entry<String, String> s : stored.entrySet()) {
        String media = s.getKey().equals("md5") ? written.hashes().md5() : written.hashes().sha1();
        boolean match = s.getValue().equalsIgnoreCase(media);
        compared.add(new StoredHash(s.getKey(), s.getValue(), media, match));
        if (!match) {
          problems.add("the " + s.getKey().toUpperCase(Locale.ROOT) + " stored in the container (" + s.getValue()
              + ") differs from the media's (" + media + ")");
        }
      }
      if (declared != null && declared != written.size()) {
        problems.add("the container declares " + declared + " bytes of media; " + written.size() + " were read");
      }
      String notes = compared.isEmpty() && problems.isEmpty()
          ? "the container stores no hash of its media: nothing in it to check the media against" : null;
      ContainerRecord record = new ContainerRecord(c.format().description(), hashed, reader, declared, sectorSize, probe.header,
          compared, verifierLines, problems, notes);
      pending.addFile("container.json", Json.write(record));
      String itemNotes = problems.isEmpty()
          ? (compared.isEmpty() ? null : "every hash the container stores matches the media")
          : "INTEGRITY: " + String.join("; ", problems);
      Item item = pending.commit(Outcome.SUCCEEDED, itemNotes);
      return new Result(item, record);
    } catch (IOException e) {
      throw new HostException("Failed to record the container of '" + Printable.of(given.toString()) + "': " + e.getMessage(), e);
    }
  }

  /** What was learnt about the container before reading it, and how to verify it beside the read. */
  private record Probe(Long mediaSize, Integer sectorSize, Map<String, String> header, Map<String, String> stored, ProcessRunner verifier) {

    /** The integrity findings in what the verifier said. */
    List<String> verdict(ProcessRunner.Result r) {
      List<String> out = new ArrayList<>();
      String text = r.text();
      if (verifier.line().startsWith("ewfverify")) {
        Matcher m = Pattern.compile("at sector\\(s\\): (\\d+) - (\\d+)").matcher(text);
        List<String> ranges = new ArrayList<>();
        while (m.find() && ranges.size() < 20) {
          ranges.add(m.group(1) + "–" + m.group(2));
        }
        if (!ranges.isEmpty()) {
          out.add("ewfverify: chunks failing their checksums at sectors " + String.join(", ", ranges)
              + " (the item holds those sectors as libewf returns them)");
        }
        if (r.exit() != 0 && ranges.isEmpty() && !text.contains("hash stored in file")) {
          out.add("ewfverify failed (exit " + r.exit() + "): " + Printable.of(r.err().lines().reduce((a, b) -> b).orElse("")));
        }
      } else if (r.exit() != 0) {
        out.add(Printable.of(verifier.line()) + " failed (exit " + r.exit() + ")");
      }
      return out;
    }
  }

  /** EWF: the acquiry header, media size and stored hashes from {@code ewfinfo -f dfxml}; {@code ewfverify} beside the read. */
  private static Probe ewfProbe(List<Path> files) {
    List<String> info = new ArrayList<>(List.of("ewfinfo", "-f", "dfxml"));
    files.forEach(f -> info.add(f.toAbsolutePath().toString()));
    ProcessRunner.Result r = ProcessRunner.of(info).debianPackage("ewf-tools").maxOutput(1 << 20).check();
    Element root = xml(r.out(), files.get(0));
    Map<String, String> header = new LinkedHashMap<>();
    Element acq = child(root, "acquiry_information");
    if (acq != null) {
      NodeList kids = acq.getChildNodes();
      for (int i = 0; i < kids.getLength() && header.size() < 32; i++) {
        if (kids.item(i) instanceof Element e) {
          header.put(e.getTagName(), Printable.of(clip(e.getTextContent().strip(), 1024)));
        }
      }
    }
    Map<String, String> stored = new LinkedHashMap<>();
    NodeList digests = root.getElementsByTagName("hashdigest");
    for (int i = 0; i < digests.getLength(); i++) {
      Element d = (Element) digests.item(i);
      String type = d.getAttribute("type").toLowerCase(Locale.ROOT);
      String hex = d.getTextContent().strip().toLowerCase(Locale.ROOT);
      if ((type.equals("md5") && hex.matches("[0-9a-f]{32}") || type.equals("sha1") && hex.matches("[0-9a-f]{40}"))
          && !hex.matches("0+")) {
        stored.put(type, hex);
      }
    }
    Long size = number(child(root, "media_information"), "media_size");
    Long sector = number(child(root, "media_information"), "bytes_per_sector");
    List<String> verify = new ArrayList<>(List.of("ewfverify", "-q", "-d", "sha1"));
    files.forEach(f -> verify.add(f.toAbsolutePath().toString()));
    return new Probe(size, sector == null ? null : sector.intValue(), header, stored,
        ProcessRunner.of(verify).debianPackage("ewf-tools").timeout(Duration.ofHours(48)).maxOutput(1 << 20));
  }

  /** AFF: {@code affinfo -m -S} beside the read; the MD5 and SHA-1 it stores are taken from what it prints. */
  private static Probe affProbe(Path file) {
    ProcessRunner r = ProcessRunner.of("affinfo", "-m", "-S", file.toString()).debianPackage("afflib-tools").timeout(Duration.ofHours(48))
        .maxOutput(1 << 20);
    return new Probe(null, null, Map.of(), new LinkedHashMap<>(), r);
  }

  /** The hashes affinfo -m -S says are stored: {@code stored md5: 745D 0E48 …}. */
  static Map<String, String> affStored(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^\\s*stored (md5|sha1):\\s*((?:[0-9A-Fa-f]{4}\\s?){8,10})").matcher(text);
    while (m.find()) {
      String hex = m.group(2).replaceAll("\\s", "").toLowerCase(Locale.ROOT);
      if (hex.length() == (m.group(1).equals("md5") ? 32 : 40)) {
        out.put(m.group(1), hex);
      }
    }
    return out;
  }

  /** QCOW: refuses a backing file, an external data file and encryption; the virtual size. */
  private static Probe qcowProbe(Path file, Path given) {
    ProcessRunner.Result r = ProcessRunner.of("qemu-img", "info", "--output=json", qemuSpec(file)).debianPackage("qemu-utils")
        .maxOutput(1 << 20).check();
    JsonNode info;
    try {
      info = Json.mapper().readTree(r.out());
    } catch (IOException e) {
      throw new HostException("Failed to read what qemu-img says of '" + Printable.of(given.toString()) + "': " + e.getMessage(), e);
    }
    String why = null;
    if (info.hasNonNull("backing-filename") || info.hasNonNull("full-backing-filename")) {
      why = "it is a differencing image whose backing file is '" + Printable.of(info.path("backing-filename").asText()) + "'; "
          + "merge it first (qemu-img convert on a copy, with its backing file beside it) and add the result";
    } else if (info.path("encrypted").asBoolean(false)) {
      why = "it is encrypted";
    } else if (info.path("format-specific").path("data").hasNonNull("data-file")) {
      why = "its data lives in an external file ('" + Printable.of(info.path("format-specific").path("data").path("data-file").asText()) + "')";
    }
    if (why != null) {
      throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': " + why);
    }
    long size = info.path("virtual-size").asLong(-1);
    return new Probe(size < 0 ? null : size, null, Map.of(), Map.of(), null);
  }

  /** The QCOW opened read-only by its own driver, never probing, with any backing file disabled. */
  static String qemuSpec(Path file) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("driver", "qcow2");
    spec.put("backing", null);
    spec.put("read-only", true);
    spec.put("file", Map.of("driver", "file", "filename", file.toAbsolutePath().toString()));
    try {
      byte[] head = new byte[8];
      try (InputStream in = Files.newInputStream(file)) {
        in.readNBytes(head, 0, 8);
      }
      if (ByteBuffer.wrap(head).getInt(4) == 1) {
        spec.put("driver", "qcow"); // version 1
        spec.remove("backing");
      }
    } catch (IOException e) {
      // qemu-img reports the file it cannot read
    }
    return "json:" + Json.writeString(spec);
  }

  /**
   * The descriptor and extent files of a VMDK, refused when the descriptor names a parent disk or an
   * extent that is not a plain file beside it.
   */
  static List<Path> vmdkFiles(Path file, Path given) {
    String text = vmdkDescriptor(file, given);
    List<Path> out = new ArrayList<>();
    out.add(file);
    boolean embedded = !text.startsWith("#") || isSparse(file);
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.startsWith("parentFileNameHint") || l.matches("(?i)parentCID\\s*=\\s*(?!ffffffff).*")) {
        throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': it is a VMDK delta disk that needs its "
            + "parent (" + Printable.of(l) + "); consolidate it first with the tool that made it and add the result");
      }
      Matcher m = EXTENT.matcher(l);
      if (!m.matches() || m.group(4) == null) {
        continue;
      }
      String name = m.group(4);
      if (embedded && name.equals(file.getFileName().toString())) {
        continue;
      }
      if (embedded && m.group(3).equalsIgnoreCase("SPARSE") && out.size() == 1 && text.contains("monolithicSparse")) {
        continue; // a monolithic sparse disk is its own one extent, whatever name it had when it was made
      }
      if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
        throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': its descriptor names the extent '"
            + Printable.of(name) + "', which is not a file beside it; Custody reads only extents in the descriptor's own folder");
      }
      Path extent = file.resolveSibling(name);
      if (!Files.isRegularFile(extent, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': its extent '" + Printable.of(name)
            + "' is not a regular file beside it (missing, or a link)");
      }
      if (!out.contains(extent)) {
        out.add(extent);
      }
    }
    return out;
  }

  private static boolean isSparse(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] m = in.readNBytes(4);
      return m.length == 4 && m[0] == 'K' && m[1] == 'D' && m[2] == 'M' && m[3] == 'V';
    } catch (IOException e) {
      return false;
    }
  }

  /** The descriptor text: the file itself, or the one embedded in a sparse extent (bounded). */
  private static String vmdkDescriptor(Path file, Path given) {
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      ByteBuffer h = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
      while (h.hasRemaining() && ch.read(h) > 0) {
        // the header
      }
      byte[] head = h.array();
      if (head[0] == 'K' && head[1] == 'D' && head[2] == 'M' && head[3] == 'V') {
        long offset = h.getLong(28);
        long sectors = h.getLong(36);
        if (offset == 0 || sectors == 0) {
          return "";
        }
        if (offset < 0 || sectors < 0 || sectors > MAX_DESCRIPTOR / 512 || offset > ch.size() / 512) {
          throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': its embedded descriptor (offset 28: sector "
              + offset + ", " + sectors + " sectors) lies outside the file or exceeds " + MAX_DESCRIPTOR + " bytes");
        }
        ByteBuffer d = ByteBuffer.allocate((int) sectors * 512);
        ch.position(offset * 512);
        while (d.hasRemaining() && ch.read(d) > 0) {
          // the descriptor
        }
        return new String(d.array(), 0, d.position(), StandardCharsets.ISO_8859_1).replace("\0", "");
      }
      if (ch.size() > MAX_DESCRIPTOR) {
        throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': a VMDK descriptor of " + ch.size()
            + " bytes (at most " + MAX_DESCRIPTOR + ")");
      }
      ByteBuffer all = ByteBuffer.allocate((int) ch.size());
      ch.position(0);
      while (all.hasRemaining() && ch.read(all) > 0) {
        // the descriptor file
      }
      return new String(all.array(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new HostException("Failed to read '" + Printable.of(given.toString()) + "': " + e.getMessage(), e);
    }
  }

  private record ImgStat(Long size, Integer sectorSize) {}

  private static ImgStat imgStat(String type, List<Path> files, Path given) {
    List<String> cmd = new ArrayList<>(List.of("img_stat", "-i", type));
    if (type.equals("vmdk")) {
      cmd.add(files.get(0).toAbsolutePath().toString());
    } else {
      files.forEach(f -> cmd.add(f.toAbsolutePath().toString()));
    }
    ProcessRunner.Result r = ProcessRunner.of(cmd).debianPackage("sleuthkit").maxOutput(1 << 20).run();
    if (!r.ok()) {
      throw new InvalidInputException("Failed to open '" + Printable.of(given.toString()) + "' with The Sleuth Kit (" + type + "): "
          + Printable.of(r.err().isEmpty() ? r.text().strip() : r.err()));
    }
    Matcher size = Pattern.compile("(?m)^Size (?:of data )?in bytes:\\s*(\\d{1,19})").matcher(r.text());
    Matcher sector = Pattern.compile("(?m)^Sector size:\\s*(\\d{1,6})").matcher(r.text());
    return new ImgStat(size.find() ? Long.valueOf(size.group(1)) : null, sector.find() ? Integer.valueOf(sector.group(1)) : null);
  }

  private static ContainerFile hashFile(Path f, Path given) {
    try (InputStream in = Files.newInputStream(f)) {
      io.custody.evidence.hash.HashResult r = io.custody.evidence.hash.HashingEngine.sha256().hash(in);
      return new ContainerFile(f.getFileName().toString(), r.size(), r.hashes().sha256().hex());
    } catch (IOException e) {
      throw new HostException("Failed to read '" + Printable.of(f.toString()) + "' of '" + Printable.of(given.toString()) + "': "
          + e.getMessage(), e);
    }
  }

  private static List<String> boundedLines(ProcessRunner.Result r, String line) {
    List<String> out = new ArrayList<>();
    out.add("$ " + line + " (exit " + r.exit() + ")");
    for (String l : (r.text() + "\n" + r.err()).split("\n")) {
      if (!l.isBlank() && out.size() < 64) {
        out.add(Printable.of(clip(l.strip(), 512)));
      }
    }
    return out;
  }

  private static Element xml(byte[] bytes, Path file) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes)).getDocumentElement();
    } catch (Exception e) {
      throw new HostException("Failed to read what ewfinfo says of '" + Printable.of(file.toString()) + "': " + e.getMessage(), e);
    }
  }

  private static Element child(Element parent, String tag) {
    if (parent == null) {
      return null;
    }
    NodeList l = parent.getElementsByTagName(tag);
    return l.getLength() == 0 ? null : (Element) l.item(0);
  }

  private static Long number(Element parent, String tag) {
    Element e = child(parent, tag);
    if (e == null) {
      return null;
    }
    String t = e.getTextContent().strip();
    return t.matches("\\d{1,18}") ? Long.valueOf(t) : null;
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
