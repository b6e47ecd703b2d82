package io.custody.lime.capture;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code Custody-LiMECapture} SSM Command document (schema 2.2, one {@code aws:runShellScript}
 * step running {@code capture.sh}). Its parameters carry no secret: a presigned GET of the capture
 * plan (part URLs, module URLs, port, part size), the plan's SHA-256, and a presigned PUT for {@code
 * result.json}. Each parameter has an {@code allowedPattern} without quotes or {@code $}, because SSM
 * pastes values into the script as text.
 */
public final class CaptureDocument {

  /** The document's name in SSM. */
  public static final String NAME = "Custody-LiMECapture";
  public static final String PLAN_URL = "PlanUrl";
  public static final String PLAN_SHA256 = "PlanSha256";
  public static final String RESULT_URL = "ResultUrl";
  public static final String EXECUTION_TIMEOUT = "executionTimeout";
  public static final String URL_PATTERN = "^https?://[A-Za-z0-9._~:/?&=%+-]{1,4000}$";

  private CaptureDocument() {}

  /** The host script, exactly as it runs on the host (before SSM fills in the parameters). */
  public static String script() {
    try (InputStream in = CaptureDocument.class.getResourceAsStream("capture.sh")) {
      if (in == null) {
        throw new IllegalStateException("capture.sh is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document as JSON, stable for a given script (so its hash names the version). */
  public static String content() {
    ObjectNode doc = Json.mapper().createObjectNode();
    doc.put("schemaVersion", "2.2");
    doc.put("description", "Custody: capture this instance's memory with LiME (or AVML) and upload it to S3 through presigned URLs. "
        + "No credentials on the host, nothing written to its disk, a module loaded is always unloaded.");
    ObjectNode params = doc.putObject("parameters");
    param(params, PLAN_URL, "Presigned GET URL of the capture plan (part URLs, module URLs, port, part size).", URL_PATTERN, null);
    param(params, PLAN_SHA256, "SHA-256 of the capture plan.", "^[0-9a-f]{64}$", null);
    param(params, RESULT_URL, "Presigned PUT URL for result.json.", URL_PATTERN, null);
    param(params, EXECUTION_TIMEOUT, "Seconds the capture may run.", "^[1-9][0-9]{1,5}$", "3600");
    ObjectNode step = doc.putArray("mainSteps").addObject();
    step.put("action", "aws:runShellScript");
    step.put("name", "captureMemory");
    ObjectNode inputs = step.putObject("inputs");
    inputs.put("timeoutSeconds", "{{ " + EXECUTION_TIMEOUT + " }}");
    ArrayNode lines = inputs.putArray("runCommand");
    for (String line : script().split("\n", -1)) {
      lines.add(line);
    }
    if (lines.size() > 0 && lines.get(lines.size() - 1).asText().isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return Json.writeString(doc);
  }

  /** SHA-256 of {@link #content()}: what SSM reports as the document's hash. */
  public static Sha256 sha256() {
    return Sha256.digest(content().getBytes(StandardCharsets.UTF_8));
  }

  private static void param(ObjectNode params, String name, String description, String pattern, String dflt) {
    ObjectNode p = params.putObject(name);
    p.put("type", "String");
    p.put("description", description);
    p.put("allowedPattern", pattern);
    if (dflt != null) {
      p.put("default", dflt);
    }
  }
}
