/**
 * Offline analysis of acquired evidence (no AWS calls): filesystem timelines and persistence
 * findings, CloudTrail compromise analysis, memory summaries and the case report.
 */
package io.custody.analyzer;
