package io.custody.evidence.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.HostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

  @TempDir Path tmp;

  @Test
  void run_keepsStdoutAndTheStderrTail_whateverTheExit() {
    ProcessRunner.Result r = ProcessRunner.of("sh", "-c", "echo out; echo err >&2; exit 3").run();
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.text()).isEqualTo("out\n");
    assertThat(r.err()).isEqualTo("err");
    assertThat(r.truncated()).isFalse();
  }

  @Test
  void check_nonZeroExit_namesTheCommandItsStatusAndStderr() {
    assertThatThrownBy(() -> ProcessRunner.of("sh", "-c", "echo first >&2; echo last words >&2; exit 7").check())
        .isInstanceOf(HostException.class).hasMessageContaining("Failed to run 'sh -c").hasMessageContaining("exit 7")
        .hasMessageContaining("first | last words");
  }

  @Test
  void maxOutput_toolWritingMore_isStoppedAndMarkedTruncated() {
    ProcessRunner.Result r = ProcessRunner.of("yes").maxOutput(1000).timeout(Duration.ofSeconds(20)).run();
    assertThat(r.truncated()).isTrue();
    assertThat(r.out()).hasSize(1000);
  }

  @Test
  void stderr_keepsOnlyItsTail() {
    ProcessRunner.Result r = ProcessRunner.of("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a >&2; echo END >&2").run();
    assertThat(r.err()).hasSizeLessThanOrEqualTo(ProcessRunner.ERR_TAIL).endsWith("END");
  }

  @Test
  void timeout_stopsTheToolAndSaysSo() {
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> ProcessRunner.of("sleep", "30").timeout(Duration.ofMillis(300)).run())
        .isInstanceOf(HostException.class).hasMessageContaining("no result after");
    assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void missingTool_namesTheDebianPackage() {
    assertThatThrownBy(() -> ProcessRunner.of("no-such-tool-xyz").debianPackage("sleuthkit").run())
        .isInstanceOf(HostException.class).hasMessageContaining("no-such-tool-xyz").hasMessageContaining("install the Debian package sleuthkit");
  }

  @Test
  void stdoutToFile_directoryEnvironmentAndLog() throws Exception {
    Path out = tmp.resolve("out.txt");
    Path log = tmp.resolve("build.log");
    ProcessRunner.of("sh", "-c", "pwd; echo $GREETING").directory(tmp).environment(Map.of("GREETING", "hi")).stdoutTo(out).check();
    assertThat(Files.readString(out)).isEqualTo(tmp.toRealPath() + "\nhi\n");
    ProcessRunner.of("sh", "-c", "echo built; echo warned >&2").mergeStderr().logTo(log).check();
    assertThat(Files.readString(log)).startsWith("$ sh -c").contains("built", "warned");
  }

  @Test
  void stream_endsOnlyWhenTheToolSucceeded_aFailureAfterItsOutputIsAnIoError() throws Exception {
    try (java.io.InputStream in = ProcessRunner.of("sh", "-c", "head -c 100000 /dev/zero").stream()) {
      assertThat(in.readAllBytes()).hasSize(100000);
    }
    java.io.InputStream failing = ProcessRunner.of("sh", "-c", "printf 'half of it'; echo 'read error at 4096' >&2; exit 1").stream();
    assertThatThrownBy(failing::readAllBytes).isInstanceOf(java.io.IOException.class).hasMessageContaining("exit 1")
        .hasMessageContaining("read error at 4096");
    failing.close();
  }
}
