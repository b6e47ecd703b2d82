package io.custody.tests;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;

/**
 * Plays the SSM agent of one instance, honestly: moto records SendCommand but runs nothing, so this
 * reads the command back from the emulator (ListCommands), fetches the document it names
 * (GetDocument), fills in its parameters the way the agent does ({@code {{ Name }}}, defaults from
 * the document) and runs the document's own aws:runShellScript lines as root in the QEMU guest.
 */
final class SsmAgentEmulator implements Runnable {

  private static final Pattern PARAM = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*\\}\\}");

  private final SsmClient ssm;
  private final String instanceId;
  private final LimeGuest guest;
  private final Path jobDir;
  private final Map<String, String> guestEnv;
  final AtomicReference<LimeGuest.Boot> boot = new AtomicReference<>();
  final AtomicReference<Throwable> error = new AtomicReference<>();
  volatile String script;
  /** Shell lines the guest runs before the document's script: the state of the host, not part of the command. */
  volatile String hostSetup = "";

  SsmAgentEmulator(SsmClient ssm, String instanceId, LimeGuest guest, Path jobDir, Map<String, String> guestEnv) {
    this.ssm = ssm;
    this.instanceId = instanceId;
    this.guest = guest;
    this.jobDir = jobDir;
    this.guestEnv = guestEnv;
  }

  @Override
  public void run() {
    try {
      Command c = awaitCommand();
      String content = ssm.getDocument(b -> b.name(c.documentName())).content();
      JsonNode doc = Json.mapper().readTree(content);
      Map<String, String> values = new HashMap<>();
      doc.path("parameters").fields().forEachRemaining(e -> {
        if (e.getValue().has("default")) {
          values.put(e.getKey(), e.getValue().get("default").asText());
        }
      });
      c.parameters().forEach((k, v) -> values.put(k, String.join(",", v)));
      JsonNode step = doc.path("mainSteps").get(0);
      if (!"aws:runShellScript".equals(step.path("action").asText())) {
        throw new IllegalStateException("the document's step is " + step.path("action").asText());
      }
      StringBuilder sb = new StringBuilder();
      for (JsonNode line : step.path("inputs").path("runCommand")) {
        sb.append(render(line.asText(), values)).append('\n');
      }
      script = sb.toString();
      boot.set(guest.run(jobDir, hostSetup + script, guestEnv));
    } catch (Throwable t) {
      error.set(t);
    }
  }

  static String render(String line, Map<String, String> values) {
    Matcher m = PARAM.matcher(line);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      if (v == null) {
        throw new IllegalStateException("no value for parameter " + m.group(1));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  private Command awaitCommand() throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(deadline)) {
      List<Command> cs = ssm.listCommands(b -> b.instanceId(instanceId)).commands();
      if (!cs.isEmpty()) {
        return cs.get(cs.size() - 1);
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("no command for " + instanceId + " arrived");
  }
}
