package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.analyzer.ItemStream;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import io.custody.evidence.tar.StrictTarReader;
import io.custody.evidence.tar.TarEntry;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Reads CloudTrail files out of log items of a case, never extracting anything: an archive that
 * {@code custody acquire cloudtrail} made ({@code *.tar}, one entry per S3 object) entry by entry, or
 * any other log item as one CloudTrail file. The item's bytes come from {@link ItemStream}, so a
 * stored file that changed since acquisition fails the read with an integrity error once the end is
 * reached. The archive is hostile input: regular files only, at most {@value #MAX_ENTRIES} headers
 * and {@value #MAX_ENTRY} bytes per entry, strict headers; anything else fails naming the item, the
 * entry and its offset.
 */
final class LogItems {

  /** Tar headers (extended headers included) an archive may hold. */
  static final int MAX_ENTRIES = 2_000_000;
  /** Bytes one entry may hold: CloudTrail delivers files of a few MiB at most. */
  static final long MAX_ENTRY = 1L << 30;

  private LogItems() {}

  /** Checks that the item is a log item. */
  static Item require(Item item) {
    if (item.type() != ItemType.LOG) {
      throw new InvalidInputException("Failed to analyse item '" + item.id() + "' as CloudTrail: it is a " + item.type().label()
          + " item, not a log item (acquire the trail with custody acquire cloudtrail)");
    }
    return item;
  }

  /** True when the item is an archive of files rather than one file. */
  static boolean archive(Item item) {
    return item.name().endsWith(".tar");
  }

  /**
   * Passes every CloudTrail record of the item to {@code sink} and every file read to {@code onFile}.
   *
   * @throws io.custody.evidence.IntegrityException when the stored item no longer matches its record
   * @throws InvalidInputException when the archive is malformed or holds something other than files
   */
  static void read(Case kase, Item item, CloudTrailReader reader, Consumer<ObjectNode> sink, Consumer<InputFile> onFile) {
    require(item);
    try (InputStream in = new BufferedInputStream(new ItemStream(kase, item), 1 << 16)) {
      if (!archive(item)) {
        onFile.accept(reader.read(item.id(), item.name(), in, item.size(), sink));
        return;
      }
      StrictTarReader tar = new StrictTarReader(in, MAX_ENTRIES);
      TarEntry[] last = {null};
      try {
        tar.forEach((entry, data) -> {
          last[0] = entry;
          onFile.accept(reader.read(item.id(), check(entry), data, entry.size(), sink));
        });
      } catch (IOException e) {
        // First learn whether the stored bytes changed: reading them to the end checks their SHA-256.
        in.transferTo(OutputStream.nullOutputStream());
        String where = e instanceof BadEntry || last[0] == null ? ""
            : " after entry '" + Printable.of(last[0].name()) + "' (header at offset " + last[0].offset() + ")";
        throw new InvalidInputException("Failed to read log item '" + item.id() + "' (" + item.name() + "): "
            + (e instanceof BadEntry ? "" : "malformed archive" + where + ": ") + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw new HostException("Failed to read log item '" + item.id() + "': " + e.getMessage(), e);
    }
  }

  private static String check(TarEntry e) throws BadEntry {
    if (e.kind() != TarEntry.Kind.FILE) {
      throw new BadEntry(e, "is a " + e.kind().name().toLowerCase(java.util.Locale.ROOT) + ", not a regular file");
    }
    if (e.size() > MAX_ENTRY) {
      throw new BadEntry(e, "declares " + e.size() + " bytes, more than the " + MAX_ENTRY + " a CloudTrail file may have");
    }
    return e.name();
  }

  /** An entry refused before any of its bytes were read. */
  private static final class BadEntry extends IOException {
    private static final long serialVersionUID = 1L;

    BadEntry(TarEntry e, String why) {
      super("entry '" + Printable.of(e.name()) + "' at offset " + e.offset() + " " + why);
    }
  }
}
