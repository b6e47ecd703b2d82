package io.custody.analyzer.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.Json;
import org.junit.jupiter.api.Test;

class TrackerTest {

  private static Rec rec(String ip, String time, String error) throws Exception {
    return new Rec(Json.mapper().readTree("{\"eventID\":\"e\",\"eventName\":\"ListBuckets\",\"eventSource\":\"s3.amazonaws.com\",\"eventTime\":\"" + time
        + "\",\"sourceIPAddress\":\"" + ip + "\"" + (error == null ? "" : ",\"errorCode\":\"" + error + "\"") + ",\"userIdentity\":{\"arn\":\"arn:aws:iam::1:user/a\"}}"));
  }

  @Test
  void accept_boundedKeys_restCountedAsOther() throws Exception {
    Tracker t = new Tracker("arn:aws:iam::1:user/a", "IAMUser");
    for (int i = 0; i < Tracker.MAX_KEYS + 50; i++) {
      t.accept(rec("10.0." + (i / 250) + "." + (i % 250), "2024-01-01T00:00:00Z", null), null);
    }
    ActivitySummary s = t.summary(false);
    assertThat(s.events()).isEqualTo(Tracker.MAX_KEYS + 50);
    assertThat(s.sourceIps()).hasSize(Tracker.MAX_KEYS + 1);
    assertThat(s.sourceIps().get("(other)")).isEqualTo(50);
    assertThat(s.sourceIps().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(Tracker.MAX_KEYS + 50);
  }

  @Test
  void accept_tenDeniedWithinFiveMinutes_isABurst() throws Exception {
    Tracker t = new Tracker("arn:aws:iam::1:user/a", "IAMUser");
    for (int i = 0; i < 12; i++) {
      t.accept(rec("1.2.3.4", String.format("2024-01-01T00:00:%02dZ", i * 5), "AccessDenied"), null);
    }
    t.accept(rec("1.2.3.4", "2024-01-01T05:00:00Z", "AccessDenied"), null);
    ActivitySummary s = t.summary(false);
    assertThat(s.deniedBursts()).hasSize(1);
    assertThat(s.deniedBursts().get(0).count()).isEqualTo(12);
    assertThat(s.errors()).containsEntry("AccessDenied", 13L);
  }
}
