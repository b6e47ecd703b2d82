package io.custody.collector.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.collector.testing.CliRun;
import io.custody.evidence.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** --profile reads named credentials (the AWS CLI's files); a missing profile is a clear error. */
@ExtendWith(MotoServer.class)
class AwsOptionsTest {

  @TempDir Path tmp;

  @AfterEach
  void clear() {
    System.clearProperty("aws.sharedCredentialsFile");
    System.clearProperty("aws.configFile");
  }

  @Test
  void profile_isUsed_andAnUnknownOneRefusedClearly() throws Exception {
    Path creds = Files.writeString(tmp.resolve("credentials"), "[ir]\naws_access_key_id = " + MotoServer.ACCESS_KEY
        + "\naws_secret_access_key = " + MotoServer.SECRET_KEY + "\n");
    Path config = Files.writeString(tmp.resolve("config"), "[profile ir]\nregion = us-east-1\n");
    System.setProperty("aws.sharedCredentialsFile", creds.toString());
    System.setProperty("aws.configFile", config.toString());
    Path home = tmp.resolve("home");
    assertThat(CliRun.run("case", "open", "P-1", "--examiner", "E", "--home", home.toString()).exit()).isZero();
    CliRun ok = CliRun.run("sweep", "--case", "P-1", "--regions", "us-east-1", "--profile", "ir", "--home", home.toString(),
        "--endpoint-url", MotoServer.endpoint().toString(), "--region", "us-east-1");
    assertThat(ok.exit()).as(ok.toString()).isZero();
    CliRun missing = CliRun.run("sweep", "--case", "P-1", "--regions", "us-east-1", "--profile", "nope", "--home", home.toString(),
        "--endpoint-url", MotoServer.endpoint().toString(), "--region", "us-east-1");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("nope");
  }
}
