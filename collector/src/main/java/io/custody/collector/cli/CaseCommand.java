package io.custody.collector.cli;

import picocli.CommandLine.Command;

/** {@code custody case open|add|status}. */
@Command(name = "case", description = "Open a case, add evidence to it, show its state.", mixinStandardHelpOptions = true,
    subcommands = {CaseOpenCommand.class, CaseAddCommand.class, CaseStatusCommand.class},
    footerHeading = "%nExample:%n", footer = "  custody case status --case IR-2026-001")
final class CaseCommand {}
