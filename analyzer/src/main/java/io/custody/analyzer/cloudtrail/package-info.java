/**
 * CloudTrail analysis: a streaming reader, per principal and access key summaries, built-in compromise
 * findings and Sigma findings. Entry point: {@link io.custody.analyzer.cloudtrail.CloudTrailAnalysis}.
 */
package io.custody.analyzer.cloudtrail;
