package io.custody.analyzer.sigma;

/**
 * A rule file that is not evaluated, and why (an unsupported feature, another log source, a
 * malformed file). Never silently dropped: every skipped rule is reported.
 *
 * @param file the rule file's name
 * @param title the rule's title when it could be read, else null
 * @param reason what it uses that is not supported, or what is wrong with it
 */
public record SkippedRule(String file, String title, String reason) {}
