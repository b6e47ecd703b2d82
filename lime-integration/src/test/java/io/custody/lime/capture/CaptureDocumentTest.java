package io.custody.lime.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureDocumentTest {

  @TempDir Path tmp;

  @Test
  void content_schema22OneShellStepHoldingTheScriptLineByLine() throws IOException {
    JsonNode doc = Json.mapper().readTree(CaptureDocument.content());
    assertThat(doc.path("schemaVersion").asText()).isEqualTo("2.2");
    assertThat(doc.path("parameters").fieldNames()).toIterable()
        .containsExactly(CaptureDocument.PLAN_URL, CaptureDocument.PLAN_SHA256, CaptureDocument.RESULT_URL, CaptureDocument.EXECUTION_TIMEOUT);
    JsonNode step = doc.path("mainSteps").get(0);
    assertThat(step.path("action").asText()).isEqualTo("aws:runShellScript");
    List<String> lines = new ArrayList<>();
    step.path("inputs").path("runCommand").forEach(l -> lines.add(l.asText()));
    assertThat(String.join("\n", lines) + "\n").isEqualTo(CaptureDocument.script());
    assertThat(CaptureDocument.sha256()).isEqualTo(CaptureDocument.sha256());
  }

  @Test
  void script_parsesAsPosixShInDashAndBusybox() throws Exception {
    Path script = Files.writeString(tmp.resolve("capture.sh"), CaptureDocument.script());
    int checked = 0;
    for (List<String> shell : List.of(List.of("dash", "-n"), List.of("busybox", "sh", "-n"), List.of("bash", "--posix", "-n"))) {
      if (!onPath(shell.get(0))) {
        continue;
      }
      List<String> cmd = new ArrayList<>(shell);
      cmd.add(script.toString());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(shell + ": " + out).isZero();
      checked++;
    }
    assertThat(checked).as("no POSIX shell to check the script with").isPositive();
  }

  @Test
  void script_neverPrintsUrlsAndAlwaysUnloads() {
    String s = CaptureDocument.script();
    assertThat(s).doesNotContain("echo \"$PLAN_URL", "echo \"$RESULT_URL", "say \"$url", "set -x");
    assertThat(s).contains("trap cleanup EXIT", "rmmod lime", "timeout=0", "localhostonly=1", "iflag=fullblock");
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
