package io.custody.collector.cli;

import picocli.CommandLine.Command;

/** {@code custody analyze memory|…}: offline analysis of a case's evidence, written back into the case. */
@Command(name = "analyze", description = "Analyse acquired evidence offline; results go into the case.", mixinStandardHelpOptions = true,
    subcommands = {AnalyzeMemoryCommand.class})
final class AnalyzeCommand {}
