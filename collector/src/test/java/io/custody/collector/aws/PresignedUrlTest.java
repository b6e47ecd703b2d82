package io.custody.collector.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.lime.capture.CaptureDocument;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The presigned URLs the S3 gateway makes are ones the capture document's parameter pattern admits, and nothing a shell would run. */
class PresignedUrlTest {

  @Test
  void presign_urlsOfTheGateway_matchTheDocumentsPatternWhichRefusesShellMetacharacters() {
    String pattern = CaptureDocument.URL_PATTERN;
    // presigning is local: any credentials do
    System.setProperty("aws.accessKeyId", "AKIAIOSFODNN7EXAMPLE");
    System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    try (AwsSession s = AwsSession.open(new AwsConfig("eu-west-1", null, URI.create("http://127.0.0.1:9")))) {
      String put = s.s3().presignPut("forensics", "custody/IR-1/memory/i-0123456789abcdef0/20260101T000000Z/result.json", Duration.ofHours(2))
          .toString();
      String part = s.s3().presignUploadPart("forensics", "custody/k/memory.lime", "2~abc-DEF_ghi.jkl", 17, Duration.ofHours(2)).toString();
      assertThat(put).matches(pattern);
      assertThat(part).matches(pattern).contains("partNumber=17");
    }
    assertThat("https://x/y?a=b'; rm -rf /").doesNotMatch(pattern);
    assertThat("https://x/$(reboot)").doesNotMatch(pattern);
    assertThat("https://x/`id`").doesNotMatch(pattern);
    assertThat("https://x/y z").doesNotMatch(pattern);
  }
}
