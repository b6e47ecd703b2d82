package io.custody.collector.cli;

import picocli.CommandLine.Command;

/** {@code custody lime inspect|build|publish|install-document}: LiME files, the module library, the SSM document. */
@Command(name = "lime", description = "Inspect LiME files, build and publish LiME modules, install the SSM capture document.",
    mixinStandardHelpOptions = true,
    subcommands = {LimeInspectCommand.class, LimeBuildCommand.class, LimePublishCommand.class, LimeInstallDocumentCommand.class},
    footerHeading = "%nExample:%n", footer = "  custody lime build --kernel-release 6.1.0-26-amd64 --out lime-modules")
final class LimeCommand {}
