package io.custody.evidence;

import java.util.regex.Pattern;

/** What must never be written down: the userinfo and query strings of URLs (passwords, presigned signatures). */
public final class Secrets {

  private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]*@");
  private static final Pattern QUERY = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^\\s?]*)\\?\\S*");

  private Secrets() {}

  /** {@code text} with every URL's userinfo and query string replaced by ***. */
  public static String redactUrls(String text) {
    return QUERY.matcher(USERINFO.matcher(text).replaceAll("$1***@")).replaceAll("$1?***");
  }
}
