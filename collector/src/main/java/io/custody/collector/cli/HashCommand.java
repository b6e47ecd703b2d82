package io.custody.collector.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.ByteSize;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.hash.HashResult;
import io.custody.evidence.hash.HashingEngine;
import io.custody.evidence.hash.Piece;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code custody hash PATH [--md5] [--sha1] [--piece-size SIZE] [--json]}: one read, every digest. */
@Command(name = "hash", description = "Hash a file or block device in one read: SHA-256, optionally MD5, SHA-1 and per-piece SHA-256.",
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody hash /dev/nvme1n1 --md5 --piece-size 1G")
final class HashCommand extends CliCommand {

  @Parameters(index = "0", paramLabel = "PATH", description = "The file or block device (read only).")
  Path path;

  @Option(names = "--md5", description = "Also MD5.")
  boolean md5;

  @Option(names = "--sha1", description = "Also SHA-1.")
  boolean sha1;

  @Option(names = "--piece-size", paramLabel = "SIZE", description = "Also SHA-256 of every SIZE bytes, e.g. 1G.")
  String pieceSize;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"path", "size", "sha256", "md5", "sha1", "pieces"})
  record Hashed(@JsonProperty("path") String path, @JsonProperty("size") long size, @JsonProperty("sha256") String sha256,
      @JsonProperty("md5") String md5, @JsonProperty("sha1") String sha1, @JsonProperty("pieces") List<Piece> pieces) {}

  @Override
  protected Output run() {
    HashingEngine.Builder b = HashingEngine.builder();
    if (md5) {
      b.add(HashAlgorithm.MD5);
    }
    if (sha1) {
      b.add(HashAlgorithm.SHA1);
    }
    if (pieceSize != null) {
      long p = ByteSize.parse(pieceSize);
      if (p < 4096) {
        throw new InvalidInputException("Failed to use --piece-size " + pieceSize + ": at least 4K");
      }
      b.pieceSize(p);
    }
    if (Files.isDirectory(path) || !Files.isReadable(path)) {
      throw new InvalidInputException("Failed to hash '" + path + "': not a readable file or device");
    }
    HashResult r;
    long size = -1;
    try {
      if (Files.isRegularFile(path)) {
        size = Files.size(path);
      }
      try (InputStream in = Files.newInputStream(path); TerminalProgress bar = TerminalProgress.start("Hashing", size)) {
        r = b.build().hash(in, null, size, bar);
      }
    } catch (IOException e) {
      throw new HostException("Failed to hash '" + path + "': " + e.getMessage(), e);
    }
    Hashed h = new Hashed(path.toString(), r.size(), r.hashes().sha256().hex(), r.hashes().md5(), r.hashes().sha1(),
        pieceSize == null ? null : r.pieces());
    if (!json) {
      err().println("custody: " + r.size() + " bytes (" + ByteSize.format(r.size()) + ")");
    }
    return Output.ok(h, out -> {
      // coreutils format, so the lines can be fed to sha256sum -c / md5sum -c
      out.println(h.sha256() + "  " + path);
      if (h.md5() != null) {
        out.println(h.md5() + "  " + path);
      }
      if (h.sha1() != null) {
        out.println(h.sha1() + "  " + path);
      }
      for (Piece p : r.pieces()) {
        out.printf("piece %06d offset %d length %d sha256 %s%n", p.index(), p.offset(), p.length(), p.sha256());
      }
    });
  }
}
