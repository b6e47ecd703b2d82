package io.custody.analyzer.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sigma semantics on hand-made rules and events: modifiers, wildcards, null, conditions. */
class SigmaMatchingTest {

  private static SigmaRule rule(String detection) {
    String yaml = "title: t\nid: x\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n" + detection.indent(4);
    List<SigmaRule> ok = new ArrayList<>();
    List<SkippedRule> skip = new ArrayList<>();
    SigmaRules.parseInto("t.yml", yaml.getBytes(StandardCharsets.UTF_8), ok, skip);
    assertThat(skip).as("skipped").isEmpty();
    return ok.get(0);
  }

  private static String skipReason(String detection) {
    String yaml = "title: t\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n" + detection.indent(4);
    List<SigmaRule> ok = new ArrayList<>();
    List<SkippedRule> skip = new ArrayList<>();
    SigmaRules.parseInto("t.yml", yaml.getBytes(StandardCharsets.UTF_8), ok, skip);
    assertThat(ok).isEmpty();
    return skip.get(0).reason();
  }

  private static JsonNode event(String json) throws Exception {
    return Json.mapper().readTree(json.replace('\'', '"'));
  }

  @Test
  void plainValue_caseInsensitiveAndWildcards_matches() throws Exception {
    SigmaRule r = rule("sel:\n  eventName: 'Stop*ging'\n  userAgent: 'aws-cli/?.*'\ncondition: sel");
    assertThat(r.matches(event("{'eventName':'stoplogging','userAgent':'AWS-CLI/2.15'}"))).isTrue();
    assertThat(r.matches(event("{'eventName':'StartLogging','userAgent':'aws-cli/2.15'}"))).isFalse();
    assertThat(r.matches(event("{'eventName':'StopLogging','userAgent':'aws-cli/22'}"))).isFalse();
  }

  @Test
  void escapedWildcard_isLiteral() throws Exception {
    SigmaRule r = rule("sel:\n  a: 'x\\*y'\ncondition: sel");
    assertThat(r.matches(event("{'a':'x*y'}"))).isTrue();
    assertThat(r.matches(event("{'a':'xzy'}"))).isFalse();
  }

  @Test
  void containsStartsEndsAll_modifiers_matchAsSpecified() throws Exception {
    SigmaRule r = rule("sel:\n  a|contains|all:\n    - 'foo'\n    - 'bar'\n  b|startswith: 'pre'\n  c|endswith: 'post'\ncondition: sel");
    assertThat(r.matches(event("{'a':'xxBARyyFOO','b':'Prefix','c':'the POST'}"))).isTrue();
    assertThat(r.matches(event("{'a':'xxbar','b':'prefix','c':'post'}"))).isFalse();
    assertThat(r.matches(event("{'a':'foobar','b':'apre','c':'post'}"))).isFalse();
  }

  @Test
  void nullValue_matchesAbsentOrJsonNull() throws Exception {
    SigmaRule r = rule("sel:\n  errorCode: null\ncondition: sel");
    assertThat(r.matches(event("{}"))).isTrue();
    assertThat(r.matches(event("{'errorCode':null}"))).isTrue();
    assertThat(r.matches(event("{'errorCode':'AccessDenied'}"))).isFalse();
  }

  @Test
  void nestedObjectsAndArrays_resolveByPath() throws Exception {
    SigmaRule r = rule("sel:\n  requestParameters.containerDefinitions.command|contains: '$AWS_CONTAINER'\ncondition: sel");
    assertThat(r.matches(event("{'requestParameters':{'containerDefinitions':[{'command':['sh','-c','curl $AWS_CONTAINER_X']}]}}"))).isTrue();
    assertThat(r.matches(event("{'requestParameters':{'containerDefinitions':[{'command':['sh']}]}}"))).isFalse();
  }

  @Test
  void objectValue_isSearchedAsJson() throws Exception {
    SigmaRule r = rule("sel:\n  requestParameters|contains: 'Suspended'\ncondition: sel");
    assertThat(r.matches(event("{'requestParameters':{'VersioningConfiguration':{'Status':'Suspended'}}}"))).isTrue();
    assertThat(r.matches(event("{'requestParameters':{'VersioningConfiguration':{'Status':'Enabled'}}}"))).isFalse();
  }

  @Test
  void regexCidrExists_modifiers() throws Exception {
    SigmaRule r = rule("sel:\n  arn|re: '.+:assumed-role/aws:.+'\n  ip|cidr: '10.0.0.0/8'\n  mfa|exists: true\ncondition: sel");
    assertThat(r.matches(event("{'arn':'arn:aws:sts::1:assumed-role/aws:ec2/i-1','ip':'10.2.3.4','mfa':'x'}"))).isTrue();
    assertThat(r.matches(event("{'arn':'arn:aws:sts::1:assumed-role/aws:ec2/i-1','ip':'11.2.3.4','mfa':'x'}"))).isFalse();
    assertThat(r.matches(event("{'arn':'arn:aws:sts::1:assumed-role/AWS:ec2/i-1','ip':'10.2.3.4','mfa':'x'}"))).as("re is case-sensitive").isFalse();
    assertThat(r.matches(event("{'arn':'arn:aws:sts::1:assumed-role/aws:ec2/i-1','ip':'10.2.3.4'}"))).isFalse();
  }

  @Test
  void regexShortcuts_sameVerdictAsPlainSearch() {
    assertThat(ValueMatcher.Regex.requiredLiteral(java.util.regex.Pattern.compile(".+:assumed-role/aws:.+"))).isEqualTo(":assumed-role/aws:");
    assertThat(ValueMatcher.Regex.requiredLiteral(java.util.regex.Pattern.compile("ab+c|d"))).isNull();
    assertThat(ValueMatcher.Regex.requiredLiteral(java.util.regex.Pattern.compile("xyzq*"))).isEqualTo("xyz");
    for (String re : List.of(".+:assumed-role/aws:.+", ".*abc", "^abc.*", "a.c", "xyzq*r", ".+foo(bar)?")) {
      java.util.regex.Pattern p = java.util.regex.Pattern.compile(re);
      ValueMatcher.Regex m = new ValueMatcher.Regex(p);
      for (String v : List.of("", "abc", "xabc", "x:assumed-role/aws:y", ":assumed-role/aws:", "a\nb:assumed-role/aws:c", "xyzr", "xyzqqr", "zfoo", "foobar",
          "line1\nabc", "AxC")) {
        assertThat(m.test(v, null)).as(re + " on " + v).isEqualTo(p.matcher(v).find());
      }
    }
  }

  @Test
  void cidr_ipv6() throws Exception {
    SigmaRule r = rule("sel:\n  ip|cidr: '2001:db8::/32'\ncondition: sel");
    assertThat(r.matches(event("{'ip':'2001:db8:1::5'}"))).isTrue();
    assertThat(r.matches(event("{'ip':'2001:db9::5'}"))).isFalse();
    assertThat(r.matches(event("{'ip':'example.com'}"))).isFalse();
  }

  @Test
  void fieldref_comparesTwoFields() throws Exception {
    SigmaRule r = rule("sel:\n  a|fieldref: b\ncondition: sel");
    assertThat(r.matches(event("{'a':'alice','b':'Alice'}"))).isTrue();
    assertThat(r.matches(event("{'a':'alice','b':'bob'}"))).isFalse();
  }

  @Test
  void base64offset_rendersTheSpecExample() {
    assertThat(DetectionCompiler.base64Offsets("/bin/bash")).containsExactly("L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2");
  }

  @Test
  void conditions_precedenceParenthesesAndOf() throws Exception {
    SigmaRule r = rule("a1:\n  x: 1\na2:\n  y: 2\nb:\n  z: 3\ncondition: not b and 1 of a* or (all of a* and b)");
    assertThat(r.matches(event("{'x':1}"))).isTrue();
    assertThat(r.matches(event("{'x':1,'z':3}"))).isFalse();
    assertThat(r.matches(event("{'x':1,'y':2,'z':3}"))).isTrue();
    assertThat(r.matches(event("{}"))).isFalse();
  }

  @Test
  void keywords_searchEveryString() throws Exception {
    SigmaRule r = rule("keywords:\n  - 'mimikatz'\ncondition: keywords");
    assertThat(r.matches(event("{'a':{'b':['x','run MimiKatz now']}}"))).isTrue();
    assertThat(r.matches(event("{'a':'clean'}"))).isFalse();
  }

  @Test
  void unsupportedFeatures_skippedWithReason() {
    assertThat(skipReason("sel:\n  a: 1\ntimeframe: 5m\ncondition: sel")).contains("timeframe");
    assertThat(skipReason("sel:\n  a: 1\ncondition: sel | count() > 5")).contains("aggregation");
    assertThat(skipReason("sel:\n  a|expand: '%x%'\ncondition: sel")).contains("expand");
    assertThat(skipReason("sel:\n  a: 1\ncondition: other")).contains("other");
  }

  @Test
  void engineIndex_sameResultAsFullEvaluation() throws Exception {
    SigmaRule indexed = rule("sel:\n  eventName: [StopLogging, DeleteTrail]\ncondition: sel");
    SigmaRule free = rule("sel:\n  eventName|startswith: Delete\ncondition: sel");
    SigmaEngine e = new SigmaEngine(List.of(indexed, free));
    assertThat(e.matches(event("{'eventName':'deletetrail'}"))).containsExactly(indexed, free);
    assertThat(e.matches(event("{'eventName':'StopLogging'}"))).containsExactly(indexed);
    assertThat(e.matches(event("{'eventName':'Other'}"))).isEmpty();
  }

  @Test
  void engineIndex_foldsCaseAsTheMatcherDoes() throws Exception {
    // U+0130 (capital I with dot) equals 'i' ignoring case, as the rule's matcher compares; lower-casing would make it two characters
    SigmaRule r = rule("sel:\n  eventName: ImportKeyPair\ncondition: sel");
    SigmaEngine e = new SigmaEngine(List.of(r));
    assertThat(r.matches(event("{'eventName':'\u0130mportKeyPair'}"))).isTrue();
    assertThat(e.matches(event("{'eventName':'\u0130mportKeyPair'}"))).containsExactly(r);
    assertThat(SigmaEngine.fold("\u0130mportKeyPair")).isEqualTo(SigmaEngine.fold("importkeypair")).isEqualTo("importkeypair");
  }

  @Test
  void engineIndex_nonTextEventName_everyRuleRuns() throws Exception {
    SigmaRule r = rule("sel:\n  eventName: CreateUser\ncondition: sel");
    SigmaEngine e = new SigmaEngine(List.of(r));
    assertThat(e.matches(event("{'eventName':['CreateUser']}"))).containsExactly(r);
    assertThat(e.matches(event("{'eventName':['ListUsers']}"))).isEmpty();
  }

  @Test
  void namesReading_theEventNamesOfRulesThatReadTheKeys() throws Exception {
    SigmaRule exact = rule("sel:\n  eventName: [CreateUser, createloginprofile]\n  requestParameters.userName|contains: admin\ncondition: sel");
    SigmaRule prefixed = rule("sel:\n  eventSource: lambda.amazonaws.com\n  eventName|startswith: UpdateFunctionConfiguration\n"
        + "  requestParameters.layers|contains: '*'\ncondition: sel");
    SigmaRule notBody = rule("sel:\n  userAgent: TruffleHog\ncondition: sel");
    SigmaRule negated = rule("sel:\n  eventName: GetObject\nfilter:\n  responseElements: null\ncondition: sel and not filter");
    var reads = new SigmaEngine(List.of(exact, prefixed, notBody, negated)).namesReading(java.util.Set.of("requestParameters", "responseElements"));
    assertThat(reads).isPresent();
    assertThat(List.of("CreateUser", "CREATELOGINPROFILE", "UpdateFunctionConfiguration20150331v2", "GetObject")).allMatch(reads.get());
    assertThat(List.of("ListUsers", "UpdateFunctionCode20150331v2", "PutObject", "")).noneMatch(reads.get());

    SigmaRule anyName = rule("sel:\n  requestParameters.bucketName: secrets\ncondition: sel");
    SigmaRule keywords = rule("keywords:\n  - mimikatz\ncondition: keywords");
    SigmaRule orNot = rule("a:\n  eventName: CreateUser\nb:\n  requestParameters.x: y\ncondition: a or b");
    for (SigmaRule any : List.of(anyName, keywords, orNot)) {
      assertThat(new SigmaEngine(List.of(exact, any)).namesReading(java.util.Set.of("requestParameters"))).as(any.file()).isEmpty();
    }
    assertThat(new SigmaEngine(List.of(exact, notBody)).namesReading(java.util.Set.of("additionalEventData")).orElseThrow().test("CreateUser"))
        .as("no rule reads the key").isFalse();
  }
}
