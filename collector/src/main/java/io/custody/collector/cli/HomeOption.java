package io.custody.collector.cli;

import io.custody.evidence.workspace.CaseStore;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/** {@code --home DIR} for every case command (default {@code $CUSTODY_HOME}, else /var/lib/custody). */
final class HomeOption {

  @Option(names = "--home", paramLabel = "DIR", description = "Custody home holding cases/ (default: $CUSTODY_HOME, else /var/lib/custody).")
  Path home;

  CaseStore store() {
    return CaseStore.at(CaseStore.resolveHome(home), Clock.systemUTC());
  }
}
