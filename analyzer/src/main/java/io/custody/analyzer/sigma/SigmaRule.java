package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded SigmaHQ rule that this engine evaluates exactly as written.
 *
 * <p>Metadata only is public; the compiled detection stays inside the package.
 */
public final class SigmaRule {

  private final String file;
  private final String id;
  private final String title;
  private final String level;
  private final String status;
  private final String author;
  private final List<String> tags;
  private final DetectionCompiler.Detection detection;

  SigmaRule(String file, String id, String title, String level, String status, String author, List<String> tags,
      DetectionCompiler.Detection detection) {
    this.file = file;
    this.id = id;
    this.title = title;
    this.level = level;
    this.status = status;
    this.author = author;
    this.tags = List.copyOf(tags);
    this.detection = detection;
  }

  /** The rule file's name, e.g. {@code aws_cloudtrail_disable_logging.yml}. */
  public String file() {
    return file;
  }

  /** The rule's {@code id} (a UUID), or the file name when it has none. */
  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  /** informational, low, medium, high or critical. */
  public String level() {
    return level;
  }

  public String status() {
    return status;
  }

  /** The rule's authors, as the Detection Rule License asks every match to credit them. */
  public String author() {
    return author;
  }

  public List<String> tags() {
    return tags;
  }

  /** True when the event matches the rule's condition. */
  public boolean matches(JsonNode event) {
    return detection.condition().test(event, new ArrayList<>(4));
  }

  boolean matches(JsonNode event, List<String> scratch) {
    return detection.condition().test(event, scratch);
  }

  DetectionCompiler.Detection detection() {
    return detection;
  }

  @Override
  public String toString() {
    return file + " (" + title + ")";
  }
}
