/**
 * Disk analysis: a verified raw image, TSK bodyfiles per file system (a read-only mount walk for XFS),
 * a mactime-identical timeline and persistence/compromise findings. Entry point: {@link io.custody.analyzer.disk.DiskAnalysis}.
 */
package io.custody.analyzer.disk;
