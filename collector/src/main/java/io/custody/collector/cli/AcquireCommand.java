package io.custody.collector.cli;

import picocli.CommandLine.Command;

/** {@code custody acquire disk | memory}. */
@Command(name = "acquire", description = "Acquire evidence into a case: disks (snapshots, devices, images) and memory.",
    mixinStandardHelpOptions = true, subcommands = {AcquireDiskCommand.class, AcquireMemoryCommand.class})
final class AcquireCommand {}
