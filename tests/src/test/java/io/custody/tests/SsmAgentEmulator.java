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
  /** The last boot; {@link #boots} has every one. */
  final AtomicReference<LimeGuest.Boot> boot = new AtomicReference<>();
  final List<LimeGuest.Boot> boots = new java.util.concurrent.CopyOnWriteArrayList<>();
  final AtomicReference<Throwable> error = new AtomicReference<>();
  volatile String script;
  /** Shell lines the guest runs before the document's script: the state of the host, not part of the command. */
  volatile String hostSetup = "";
  /**
   * When set, the agent serves one command per entry, in order, each in a fresh boot of the guest
   * with that entry as its host setup (a host captured again); otherwise one command with {@link
   * #hostSetup}.
   */
  volatile List<String> hostSetups;
  /** Set by the test when the client has returned: no further command will come, so stop waiting for one. */
  volatile boolean clientDone;

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
      // commands sent to the instance before this agent started (an earlier capture's) are not its to run
      java.util.Set<String> served = new java.util.HashSet<>();
      ssm.listCommands(b -> b.instanceId(instanceId)).commands().forEach(c -> served.add(c.commandId()));
      List<String> setups = hostSetups == null ? List.of(hostSetup) : List.copyOf(hostSetups);
      for (int i = 0; i < setups.size(); i++) {
        // the first command comes at once; a later one after the client has checked the capture before
        Command c = awaitCommand(served, Duration.ofMinutes(i == 0 ? 3 : 15), i + 1);
        served.add(c.commandId());
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
        LimeGuest.Boot b = guest.run(jobDir, setups.get(i) + script, guestEnv);
        boots.add(b);
        boot.set(b);
      }
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

  /** The first command for the instance not yet served. */
  private Command awaitCommand(java.util.Set<String> served, Duration wait, int number) throws InterruptedException {
    Instant deadline = Instant.now().plus(wait);
    while (Instant.now().isBefore(deadline)) {
      boolean done = clientDone; // read before listing: a command sent just before the client returned is listed
      List<Command> cs = ssm.listCommands(b -> b.instanceId(instanceId)).commands();
      for (Command c : cs) {
        if (!served.contains(c.commandId())) {
          return c;
        }
      }
      if (done) {
        throw new IllegalStateException("the client finished without sending command " + number + " for " + instanceId);
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("no command " + number + " for " + instanceId + " arrived");
  }
}
