package io.custody.collector.cli;

import io.custody.evidence.ByteSize;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.custody.ChainProblem;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.internal.Json;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseInfo;
import io.custody.evidence.workspace.CaseStatus;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code custody case open|add|status}. */
@Command(name = "case", description = "Open a case, add evidence to it, show its state.", mixinStandardHelpOptions = true,
    subcommands = {CaseCommand.Open.class, CaseCommand.Add.class, CaseCommand.Status.class})
final class CaseCommand {

  @Command(name = "open", description = "Open a new case and start its custody log.", mixinStandardHelpOptions = true)
  static final class Open implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HomeOption home;

    @Parameters(index = "0", paramLabel = "CASE", description = "Case id: 1-64 of A-Z a-z 0-9 . _ -")
    String caseId;

    @Option(names = "--examiner", required = true, paramLabel = "NAME", description = "The examiner responsible for the case.")
    String examiner;

    @Option(names = "--org", paramLabel = "ORG", description = "The examiner's organisation.")
    String org;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the case is about.")
    String description;

    @Override
    public Integer call() {
      Case c = home.store().open(caseId, examiner, org, description);
      PrintWriter out = spec.commandLine().getOut();
      out.println("case      " + c.id());
      out.println("folder    " + c.dir());
      out.println("examiner  " + c.info().examiner() + (c.info().organization() == null ? "" : " (" + c.info().organization() + ")"));
      out.flush();
      return 0;
    }
  }

  @Command(name = "add", description = "Acquire a file or block device into the case as an evidence item (hashed, stored, recorded).",
      mixinStandardHelpOptions = true)
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HomeOption home;

    @Parameters(index = "0", paramLabel = "CASE")
    String caseId;

    @Parameters(index = "1", paramLabel = "FILE", description = "The file or block device to acquire (read only, never written).")
    Path file;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "disk, memory, metadata, console, log or other.")
    String type;

    @Option(names = "--source-id", required = true, paramLabel = "ID", description = "Where it came from: vol-…, i-…, snap-…, a host name.")
    String sourceId;

    @Option(names = "--md5", description = "Also compute MD5 (same read).")
    boolean md5;

    @Option(names = "--sha1", description = "Also compute SHA-1 (same read).")
    boolean sha1;

    @Option(names = "--compress", paramLabel = "zstd|none", description = "Default: zstd for disk and memory, none otherwise.")
    String compress;

    @Option(names = "--segment-size", paramLabel = "SIZE",
        description = "Raw bytes per stored file, e.g. 1G (default for disk and memory: 1G; others: one file).")
    String segmentSize;

    @Option(names = "--json", description = "Print the item record as JSON.")
    boolean json;

    @Override
    public Integer call() {
      Case c = home.load(caseId);
      ItemType t = ItemType.parse(type);
      ItemSpec item = ItemSpec.of(t, sourceId, file.getFileName().toString()).origin("file:" + file.toAbsolutePath());
      EnumSet<HashAlgorithm> algs = EnumSet.of(HashAlgorithm.SHA256);
      if (md5) {
        algs.add(HashAlgorithm.MD5);
      }
      if (sha1) {
        algs.add(HashAlgorithm.SHA1);
      }
      item.algorithms(algs);
      if (compress != null) {
        item.compression(Compression.parse(compress));
      }
      if (segmentSize != null) {
        long s = ByteSize.parse(segmentSize);
        if (s < 1 << 20) {
          throw new InvalidInputException("Failed to use --segment-size " + segmentSize + ": at least 1M");
        }
        item.segmentSize(s);
      } else if (compress != null && Compression.parse(compress) == Compression.ZSTD && !t.image()) {
        item.segmentSize(ItemType.DEFAULT_SEGMENT_SIZE);
      }
      if (!Files.isReadable(file) || Files.isDirectory(file)) {
        throw new InvalidInputException("Failed to acquire '" + file + "': not a readable file or device");
      }
      c.toolLog("case add --type " + t.label() + " --source-id " + sourceId + " " + file.toAbsolutePath());
      long size = expectedSize(file);
      Item added;
      try (InputStream in = Files.newInputStream(file); Progress bar = Progress.start("Acquiring " + sourceId, size)) {
        added = c.add(item, in, size, bar);
      } catch (IOException e) {
        throw new io.custody.evidence.HostException("Failed to read '" + file + "': " + e.getMessage(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.print(Json.writeString(added));
      } else {
        printItem(added, out);
      }
      out.flush();
      return 0;
    }

    private static long expectedSize(Path file) {
      try {
        return Files.isRegularFile(file) ? Files.size(file) : -1;
      } catch (IOException e) {
        return -1;
      }
    }
  }

  static void printItem(Item i, PrintWriter out) {
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

  @Command(name = "status", description = "Show a case: items, custody log state, unfinished actions.", mixinStandardHelpOptions = true)
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HomeOption home;

    @Parameters(index = "0", paramLabel = "CASE")
    String caseId;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Override
    public Integer call() {
      CaseStatus s = CaseStatus.of(home.load(caseId));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.print(Json.writeString(s));
      } else {
        render(s, out);
      }
      out.flush();
      return s.custody().intact() ? 0 : 1;
    }

    private static void render(CaseStatus s, PrintWriter out) {
      CaseInfo i = s.info();
      out.println("case         " + i.id() + "  (opened " + i.openedUtc() + " by " + i.examiner() + (i.organization() == null ? "" : ", " + i.organization()) + ")");
      if (i.description() != null) {
        out.println("description  " + i.description());
      }
      out.println("folder       " + s.dir());
      out.println("items        " + s.items().size());
      for (Item it : s.items()) {
        out.printf("  %-9s %-9s %-24s %10s  sha256 %s%n", it.id(), it.type().label(), it.sourceId(), ByteSize.format(it.size()), it.hashes().sha256());
      }
      var c = s.custody();
      out.println("custody log  " + c.entries() + " entries, head " + c.head() + ", " + (c.intact() ? "intact" : "BROKEN"));
      for (ChainProblem p : c.problems()) {
        out.println("  " + (p.torn() ? "torn: " : "problem: ") + p.path() + ": " + p.detail());
      }
      if (c.openActions().isEmpty()) {
        out.println("open actions none");
      } else {
        out.println("open actions " + c.openActions().size() + " (begun, never finished: a crash or still running)");
        for (CustodyEntry e : c.openActions()) {
          out.println("  #" + e.seq() + " " + e.timeUtc() + " " + e.event() + (e.notes() == null ? "" : ": " + e.notes()));
        }
      }
      if (!s.interruptedItems().isEmpty()) {
        out.println("unfinished   " + String.join(", ", s.interruptedItems()));
      }
    }
  }
}
