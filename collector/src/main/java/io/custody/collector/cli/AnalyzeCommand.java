package io.custody.collector.cli;

import picocli.CommandLine.Command;

/** {@code custody analyze disk|cloudtrail|memory}: offline analysis of a case's evidence, written back into the case. */
@Command(name = "analyze", description = "Analyse evidence offline; results become analysis items of the case.", mixinStandardHelpOptions = true,
    subcommands = {AnalyzeDiskCommand.class, AnalyzeCloudTrailCommand.class, AnalyzeMemoryCommand.class})
final class AnalyzeCommand {}
