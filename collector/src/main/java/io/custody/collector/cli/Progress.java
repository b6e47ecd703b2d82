package io.custody.collector.cli;

import io.custody.evidence.hash.ProgressListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for one long step (bytes, rate, ETA): none with {@code --no-progress} or
 * when there is no terminal.
 */
final class Progress implements AutoCloseable, ProgressListener {

  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  static Progress start(String task, long total) {
    if (CustodyCli.noProgress || System.console() == null) {
      return new Progress(null);
    }
    return new Progress(new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total > 0 ? total : -1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUnit("MiB", 1 << 20)
        .showSpeed()
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .build());
  }

  @Override
  public void progress(long done, long total) {
    if (bar != null) {
      if (total > 0 && bar.getMax() != total) {
        bar.maxHint(total); // steps learn their total only once they start (device size, block list)
      }
      bar.stepTo(done);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
