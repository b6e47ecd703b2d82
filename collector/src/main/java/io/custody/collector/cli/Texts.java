package io.custody.collector.cli;

import io.custody.evidence.ByteSize;
import io.custody.evidence.workspace.Item;
import java.io.PrintWriter;

/** Text renderings several commands share. */
final class Texts {

  private Texts() {}

  /** An evidence item: id, type, source, where it is stored, size and hashes. */
  static void item(Item i, PrintWriter out) {
    out.println("item        " + i.id());
    out.println("type        " + i.type().label());
    out.println("source      " + i.sourceId());
    out.println("stored in   " + i.dir() + " (" + i.segments().size() + (i.segments().size() == 1 ? " file, " : " files, ") + i.compression().label() + ")");
    out.println("size        " + i.size() + " bytes (" + ByteSize.format(i.size()) + ")");
    out.println("sha256      " + i.hashes().sha256());
    if (i.hashes().md5() != null) {
      out.println("md5         " + i.hashes().md5());
    }
    if (i.hashes().sha1() != null) {
      out.println("sha1        " + i.hashes().sha1());
    }
  }

  /** What a container said of itself and whether the media matched it. */
  static void container(io.custody.collector.acquire.ContainerAcquisition.ContainerRecord c, PrintWriter out) {
    out.println("container   " + c.format() + " (" + c.files().size() + (c.files().size() == 1 ? " file" : " files") + ", see container.json)");
    c.storedHashes().forEach(h -> out.println("stored " + String.format(java.util.Locale.ROOT, "%-5s", h.algorithm()) + h.stored()
        + (h.match() ? "  matches the media" : "  DIFFERS from the media")));
    if (c.notes() != null) {
      out.println("note        " + c.notes());
    }
    c.problems().forEach(p -> out.println("INTEGRITY   " + p));
  }

  /** An analysis output added to the case. */
  static void added(Item i, PrintWriter out) {
    out.println("added       " + i.id() + " " + i.dir() + "/" + i.name() + " sha256 " + i.hashes().sha256());
  }
}
