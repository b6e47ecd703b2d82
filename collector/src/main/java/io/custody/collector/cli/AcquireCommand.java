package io.custody.collector.cli;

import picocli.CommandLine.Command;

/** {@code custody acquire disk | memory | cloudtrail}. */
@Command(name = "acquire", description = "Acquire evidence into a case: disks (snapshots, devices, images), memory and CloudTrail logs.",
    mixinStandardHelpOptions = true, subcommands = {AcquireDiskCommand.class, AcquireMemoryCommand.class, AcquireCloudTrailCommand.class})
final class AcquireCommand {}
