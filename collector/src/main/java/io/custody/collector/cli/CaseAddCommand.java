package io.custody.collector.cli;

import io.custody.collector.acquire.ContainerAcquisition;
import io.custody.collector.acquire.Containers;
import io.custody.collector.acquire.FileAcquisition;
import io.custody.evidence.ExitCode;
import io.custody.evidence.ByteSize;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code custody case add --case CASE FILE --type T --source-id ID}. */
@Command(name = "add", description = "Acquire a file or block device into the case as an evidence item (hashed, stored, recorded). "
        + "A disk in a container (EWF/E01, VMDK, VHD/VHDX, QCOW2, AFF, split raw) is read through its container: the item holds the "
        + "media, container.json the container's files, header and stored hashes, checked against the media (exit 1 when they differ).",
    mixinStandardHelpOptions = true,
    footerHeading = "%nExample:%n", footer = "  custody case add --case IR-2026-001 /evidence/web-1.img --type disk --source-id vol-0123456789abcdef0 --md5")
final class CaseAddCommand extends CliCommand {

  @Mixin CaseOption kase;
  @Mixin StorageArgs storage;

  @Parameters(arity = "1..2", paramLabel = "FILE",
      description = "The file or block device to acquire (read only, never written); before it, the case id (deprecated: use --case).")
  List<String> args;

  @Option(names = "--type", required = true, paramLabel = "TYPE", description = "disk, memory, metadata, console, log or other.")
  String type;

  @Option(names = "--source-id", required = true, paramLabel = "ID", description = "Where it came from: vol-…, i-…, snap-…, a host name.")
  String sourceId;

  @Option(names = "--size", paramLabel = "BYTES", description = "Read this many bytes (required for a character device or a pipe, "
      + "which may have no end); e.g. 4G. Without it, a file or block device is read to its end.")
  String sizeText;

  @Override
  protected Output run() {
    Case c = kase.load(args.size() == 2 ? args.get(0) : null);
    Path file = Path.of(args.get(args.size() - 1));
    Item added;
    Long size = sizeText == null ? null : ByteSize.parse(sizeText);
    ItemType itemType = ItemType.parse(type);
    java.util.Optional<Containers.Container> container =
        itemType == ItemType.DISK ? Containers.detect(FileAcquisition.resolve(file)) : java.util.Optional.empty();
    if (container.isPresent()) {
      ContainerAcquisition.Result r;
      try (TerminalProgress bar = TerminalProgress.start("Reading the media of " + sourceId, -1)) {
        r = ContainerAcquisition.add(c, container.get(), file, sourceId, storage.options(), bar);
      }
      return new Output(r, out -> {
        Texts.item(r.item(), out);
        Texts.container(r.container(), out);
      }, r.integrityProblem() ? ExitCode.FINDINGS : ExitCode.OK);
    }
    try (TerminalProgress bar = TerminalProgress.start("Acquiring " + sourceId, size != null ? size : FileAcquisition.expectedSize(file))) {
      added = FileAcquisition.add(c, file, itemType, sourceId, storage.options(), size, bar);
    }
    return Output.ok(added, out -> Texts.item(added, out));
  }
}
