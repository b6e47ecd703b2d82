package io.custody.evidence.verify;

import java.io.IOException;
import java.io.InputStream;

/** A bundle's entries, in the order its container holds them: a tar stream or a folder. */
interface BundleSource {

  /** Receives each entry; {@code in} is valid only during the call and may be left unread. */
  interface Handler {
    void entry(RawEntry entry, InputStream in) throws IOException;
  }

  void forEach(Handler handler) throws IOException;

  /** True when {@link #reopen} works (a folder), false for a stream (a tar). */
  boolean canReopen();

  /**
   * Opens an entry again after {@link #forEach}, or returns null when the source cannot (a tar
   * stream: the verifier spools what it needs).
   */
  InputStream reopen(String name) throws IOException;
}
