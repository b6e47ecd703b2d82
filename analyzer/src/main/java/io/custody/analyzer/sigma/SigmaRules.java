package io.custody.analyzer.sigma;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A set of SigmaHQ rules for AWS CloudTrail: the ones loaded and the ones skipped with a reason.
 * Loaded from a folder ({@code --sigma DIR}, recursively, {@code *.yml}/{@code *.yaml}) or from the
 * copy bundled with Custody (SigmaHQ's {@code rules/cloud/aws/cloudtrail}, DRL 1.1, see
 * {@code NOTICE} beside them).
 */
public final class SigmaRules {

  /** No rule file may be larger than this. */
  public static final int MAX_RULE_BYTES = 1 << 20;
  private static final String BUNDLED = "/io/custody/analyzer/sigma/rules/";

  private static final YAMLMapper YAML = yamlMapper();

  private final List<SigmaRule> loaded;
  private final List<SkippedRule> skipped;
  private final String source;

  private SigmaRules(List<SigmaRule> loaded, List<SkippedRule> skipped, String source) {
    this.loaded = List.copyOf(loaded);
    this.skipped = List.copyOf(skipped);
    this.source = source;
  }

  /** The rules evaluated. */
  public List<SigmaRule> loaded() {
    return loaded;
  }

  /** The rules not evaluated, each with its reason. */
  public List<SkippedRule> skipped() {
    return skipped;
  }

  /** Where the rules came from: a folder, or {@code bundled SigmaHQ <commit>}. */
  public String source() {
    return source;
  }

  /** The copy of SigmaHQ's AWS CloudTrail rules that ships with Custody. */
  public static SigmaRules bundled() {
    List<SigmaRule> ok = new ArrayList<>();
    List<SkippedRule> skip = new ArrayList<>();
    String index = resource("INDEX");
    String origin = "bundled";
    for (String line : index.split("\n")) {
      String name = line.strip();
      if (name.startsWith("# source ")) {
        origin = "bundled " + name.substring(2);
      }
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      parseInto(name, resource(name).getBytes(StandardCharsets.UTF_8), ok, skip);
    }
    return new SigmaRules(ok, skip, origin);
  }

  /**
   * Loads every {@code .yml}/{@code .yaml} file under {@code dir} (recursively, in path order).
   *
   * @throws InvalidInputException when {@code dir} is not a folder
   */
  public static SigmaRules load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException("Failed to load Sigma rules from '" + dir + "': not a folder");
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yml") || n.endsWith(".yaml");
      }).sorted().toList();
    } catch (IOException e) {
      throw new HostException("Failed to list Sigma rules in '" + dir + "': " + e.getMessage(), e);
    }
    List<SigmaRule> ok = new ArrayList<>();
    List<SkippedRule> skip = new ArrayList<>();
    for (Path p : files) {
      String name = dir.relativize(p).toString();
      try {
        if (Files.size(p) > MAX_RULE_BYTES) {
          skip.add(new SkippedRule(name, null, "file larger than " + MAX_RULE_BYTES + " bytes"));
          continue;
        }
        parseInto(name, Files.readAllBytes(p), ok, skip);
      } catch (IOException e) {
        skip.add(new SkippedRule(name, null, "cannot read: " + e.getMessage()));
      }
    }
    return new SigmaRules(ok, skip, dir.toAbsolutePath().toString());
  }

  /** Parses one rule file's bytes; the rule goes to {@code ok} or, with its reason, to {@code skip}. */
  static void parseInto(String name, byte[] bytes, List<SigmaRule> ok, List<SkippedRule> skip) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(bytes)) {
      while (it.hasNext()) {
        docs.add(it.next());
      }
    } catch (IOException | RuntimeException e) {
      String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      skip.add(new SkippedRule(name, null, "not valid YAML: " + firstLine(msg)));
      return;
    }
    if (docs.size() != 1 || !docs.get(0).isObject()) {
      skip.add(new SkippedRule(name, null, docs.size() > 1
          ? "several YAML documents (legacy rule collections) are not supported" : "not a YAML mapping"));
      return;
    }
    JsonNode rule = docs.get(0);
    String title = text(rule, "title");
    try {
      if (rule.has("correlation") || "correlation".equals(text(rule, "type"))) {
        throw new UnsupportedRuleException("correlation rules are not supported");
      }
      JsonNode logsource = rule.get("logsource");
      String product = logsource == null ? null : text(logsource, "product");
      String service = logsource == null ? null : text(logsource, "service");
      if (!"aws".equalsIgnoreCase(product) || !"cloudtrail".equalsIgnoreCase(service)) {
        throw new UnsupportedRuleException("logsource is " + product + "/" + service + ", not aws/cloudtrail");
      }
      DetectionCompiler.Detection d = DetectionCompiler.compile(rule.get("detection"));
      List<String> tags = new ArrayList<>();
      if (rule.get("tags") != null) {
        rule.get("tags").forEach(t -> tags.add(t.asText()));
      }
      String id = text(rule, "id");
      String level = text(rule, "level");
      ok.add(new SigmaRule(name, id == null ? name : id, title == null ? name : title,
          level == null ? "informational" : level.toLowerCase(Locale.ROOT), text(rule, "status"), text(rule, "author"), tags, d));
    } catch (UnsupportedRuleException e) {
      skip.add(new SkippedRule(name, title, e.getMessage()));
    }
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String resource(String name) {
    try (InputStream in = SigmaRules.class.getResourceAsStream(BUNDLED + name)) {
      if (in == null) {
        throw new IllegalStateException("bundled Sigma rule resource missing: " + name);
      }
      return new String(in.readNBytes(MAX_RULE_BYTES), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read bundled Sigma resource " + name, e);
    }
  }

  private static YAMLMapper yamlMapper() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(16);
    options.setNestingDepthLimit(32);
    options.setCodePointLimit(MAX_RULE_BYTES);
    YAMLFactory factory = YAMLFactory.builder().loaderOptions(options).build();
    YAMLMapper m = new YAMLMapper(factory);
    m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return m;
  }
}
