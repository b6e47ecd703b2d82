package io.custody.analyzer.sigma;

/** A rule uses a Sigma feature this engine does not evaluate; the message is the reason it is skipped. */
final class UnsupportedRuleException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UnsupportedRuleException(String reason) {
    super(reason, null, false, false);
  }
}
