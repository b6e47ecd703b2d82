package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only a real process shows: the progress bar follows stderr's terminal (not stdout's), and a
 * workstation without AWS credentials gets one short line that says how to fix it, exit 3.
 */
class CliConventionsIT {

  @TempDir Path tmp;

  @Test
  void progressBar_onAStderrTerminal_evenWithStdoutRedirected_andNoneOnAPipe() throws Exception {
    Path big = tmp.resolve("big");
    try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), (256L << 20) - 1);
    }
    Path out = tmp.resolve("out.txt");
    String custody = Cli.REPO.resolve("bin/custody").toString();
    // script gives the command a terminal; stdout goes to a file, so only stderr can be the terminal
    Run r = Run.of(tmp, Map.of(), List.of("script", "-qec", custody + " hash " + big + " > " + out, "/dev/null"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).as("the terminal saw the bar").contains("Hashing", "%", "of 256.0 MiB", "elapsed");
    assertThat(Files.readString(out)).as("stdout holds the result only").matches("[0-9a-f]{64}  " + big + "\n");
    Run piped = new Cli(tmp.resolve("home")).custody("hash", big.toString());
    assertThat(piped.exit()).isZero();
    assertThat(piped.err()).doesNotContain("\r").doesNotContain("%");
  }

  @Test
  void noCredentials_oneLineWithTheFix_exit3() throws Exception {
    Path home = tmp.resolve("home");
    Run open = new Cli(home).custody("case", "open", "--case", "NC-1", "--examiner", "E");
    assertThat(open.exit()).as(open.toString()).isZero();
    Run r = Run.of(tmp, Map.of(), List.of("env", "-i", "PATH=" + System.getenv("PATH"), "HOME=" + tmp, "CUSTODY_HOME=" + home,
        "AWS_EC2_METADATA_DISABLED=true", Cli.REPO.resolve("bin/custody").toString(), "sweep", "--case", "NC-1", "--region", "us-east-1",
        "--regions", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"));
    assertThat(r.exit()).as(r.toString()).isEqualTo(3);
    List<String> lines = r.err().strip().lines().filter(l -> l.startsWith("custody: Failed")).toList();
    assertThat(lines).as(r.toString()).hasSize(1);
    assertThat(lines.get(0)).contains("no AWS credentials found").contains("--profile").hasSizeLessThan(300);
    assertThat(r.err()).doesNotContain("internal error").doesNotContain("AwsCredentialsProviderChain");

    // credentials, but nothing listens at the endpoint
    Run down = Run.of(tmp, Map.of(), List.of("env", "-i", "PATH=" + System.getenv("PATH"), "HOME=" + tmp, "CUSTODY_HOME=" + home,
        "AWS_EC2_METADATA_DISABLED=true", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        Cli.REPO.resolve("bin/custody").toString(), "sweep", "--case", "NC-1", "--region", "us-east-1", "--regions", "us-east-1",
        "--endpoint-url", "http://127.0.0.1:9"));
    assertThat(down.exit()).as(down.toString()).isEqualTo(3);
    assertThat(down.err()).doesNotContain("internal error").doesNotContain("wJalr").contains("cannot reach the AWS endpoint");
  }

  /**
   * A file whose name is not UTF-8, given on the command line through the real launcher (a shell
   * makes the bytes, as an attacker's {@code touch $'\xff'} would): added, stored under a safe
   * name, its bytes recorded; and /dev/zero refused with exit 2 unless --size is given.
   */
  @Test
  void caseAdd_nameNotUtf8_throughTheLauncher_andEndlessDevices() throws Exception {
    Path home = tmp.resolve("home");
    Cli cli = new Cli(home);
    assertThat(cli.custody("case", "open", "--case", "NAMES", "--examiner", "E").exit()).isZero();
    Path dir = java.nio.file.Files.createDirectories(tmp.resolve("ev"));
    Run add = cli.run("sh", "-c", "f=\"$1/$(printf 'evil-\\377.img')\"; printf 'x' > \"$f\"; exec \"$2\" case add --case NAMES --type other "
        + "--source-id host-1 --json \"$f\"", "sh", dir.toString(), Cli.REPO.resolve("bin/custody").toString());
    assertThat(add.exit()).as(add.toString()).isZero();
    assertThat(add.out()).contains("\"name\": \"evil-_.img\"", "evil-%FF.img");
    Run zero = cli.custody("case", "add", "--case", "NAMES", "--type", "other", "--source-id", "zero", "/dev/zero");
    assertThat(zero.exit()).as(zero.toString()).isEqualTo(2);
    assertThat(zero.err()).contains("give --size BYTES");
    Run sized = cli.custody("case", "add", "--case", "NAMES", "--type", "other", "--source-id", "zero", "--size", "1M", "/dev/zero", "--json");
    assertThat(sized.exit()).as(sized.toString()).isZero();
    assertThat(sized.out()).contains("\"size\": 1048576");
  }
}
