package io.custody.analyzer.disk;

import io.custody.evidence.process.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs The Sleuth Kit's command-line tools (Debian package {@code sleuthkit}) on a raw image. They
 * only read the image. Outputs are bounded; a tool that is missing is a host error naming the package.
 */
final class Tsk {

  private static final Duration TIMEOUT = Duration.ofMinutes(120);

  private final List<Path> image;

  Tsk(List<Path> image) {
    this.image = List.copyOf(image);
  }

  /** {@code fsstat -o OFFSET}: the file system's type and layout. */
  ProcessRunner.Result fsstat(long sectorOffset) {
    return tool(List.of("fsstat", "-i", "raw", "-o", Long.toString(sectorOffset)), null).maxOutput(4 << 20).run();
  }

  /** {@code fls -r -m PREFIX -o OFFSET} into {@code out}: the bodyfile, deleted entries included. */
  ProcessRunner.Result fls(long sectorOffset, String prefix, Path out) {
    return tool(List.of("fls", "-i", "raw", "-r", "-m", prefix, "-o", Long.toString(sectorOffset)), null).stdoutTo(out).run();
  }

  /** {@code icat -o OFFSET INODE}: a file's content, at most {@code max} bytes (truncated flag set past it). */
  ProcessRunner.Result icat(long sectorOffset, String inode, int max) {
    return tool(List.of("icat", "-i", "raw", "-o", Long.toString(sectorOffset)), inode).maxOutput(max).run();
  }

  /** {@code istat -o OFFSET INODE}: a file's metadata as TSK reports it. */
  ProcessRunner.Result istat(long sectorOffset, String inode) {
    return tool(List.of("istat", "-i", "raw", "-o", Long.toString(sectorOffset)), inode).maxOutput(1 << 20).run();
  }

  /** The tool with the image files after its options, and the inode (for icat/istat) last. */
  private ProcessRunner tool(List<String> base, String inode) {
    List<String> cmd = new ArrayList<>(base);
    image.forEach(p -> cmd.add(p.toString()));
    if (inode != null) {
      cmd.add(inode);
    }
    return ProcessRunner.of(cmd).timeout(TIMEOUT).debianPackage("sleuthkit");
  }
}
