package io.custody.collector.cli;

import picocli.CommandLine.Command;

/** {@code custody analyze disk|cloudtrail|…}: offline analysis of evidence in a case. */
@Command(name = "analyze", description = "Analyse evidence offline; results become analysis items of the case.", mixinStandardHelpOptions = true,
    subcommands = {AnalyzeDiskCommand.class, AnalyzeCloudTrailCommand.class})
final class AnalyzeCommand {}
