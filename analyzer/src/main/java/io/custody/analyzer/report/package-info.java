/**
 * The case report: one self-contained HTML page and report.json from everything in a case. Entry
 * point: {@link io.custody.analyzer.report.CaseReport}.
 */
package io.custody.analyzer.report;
