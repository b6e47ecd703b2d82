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
    assertThat(CliRun.run("case", "open", "--case", "P-1", "--examiner", "E", "--home", home.toString()).exit()).isZero();
    CliRun ok = CliRun.run("sweep", "--case", "P-1", "--regions", "us-east-1", "--profile", "ir", "--home", home.toString(),
        "--endpoint-url", MotoServer.endpoint().toString(), "--region", "us-east-1");
    assertThat(ok.exit()).as(ok.toString()).isZero();
    CliRun missing = CliRun.run("sweep", "--case", "P-1", "--regions", "us-east-1", "--profile", "nope", "--home", home.toString(),
        "--endpoint-url", MotoServer.endpoint().toString(), "--region", "us-east-1");
    assertThat(missing.exit()).as(missing.toString()).isEqualTo(3);
    assertThat(missing.err()).contains("nope");
    assertThat(missing.err().strip().lines().filter(l -> l.startsWith("custody: Failed")).toList()).as(missing.toString()).hasSize(1)
        .allSatisfy(l -> assertThat(l).hasSizeLessThan(400));
  }

  @Test
  void region_asTheAwsCliPicksIt_optionThenAwsRegionThenAwsDefaultRegionThenTheProfile() throws Exception {
    Path config = Files.writeString(tmp.resolve("config"), "[profile ir]\nregion = ap-south-1\n[default]\nregion = sa-east-1\n");
    System.setProperty("aws.configFile", config.toString());
    java.util.Map<String, String> env = new java.util.HashMap<>();
    assertThat(new AwsConfig("eu-west-3", "ir", null).resolveRegion(java.util.Map.of("AWS_REGION", "us-west-2"))).isEqualTo("eu-west-3");
    env.put("AWS_DEFAULT_REGION", "eu-central-1");
    assertThat(new AwsConfig(null, "ir", null).resolveRegion(env)).isEqualTo("eu-central-1");
    env.put("AWS_REGION", "us-west-2");
    assertThat(new AwsConfig(null, "ir", null).resolveRegion(env)).isEqualTo("us-west-2");
    assertThat(new AwsConfig(null, "ir", null).resolveRegion(java.util.Map.of())).isEqualTo("ap-south-1");
    assertThat(new AwsConfig(null, null, null).resolveRegion(java.util.Map.of("AWS_PROFILE", "ir"))).isEqualTo("ap-south-1");
    assertThat(new AwsConfig(null, null, null).resolveRegion(java.util.Map.of())).isEqualTo("sa-east-1");
  }
}
