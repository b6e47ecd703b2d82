package io.custody.analyzer.disk;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shell command lines that fetch and run code, open reverse shells, or run from world-writable places. */
final class Suspicious {

  private static final List<Pattern> RUNS_FETCHED = List.of(
      Pattern.compile("\\b(curl|wget|fetch|lwp-download)\\b[^\\n|;&]*\\|\\s*(sudo\\s+)?(ba|da|z|k|a)?sh\\b"),
      Pattern.compile("\\b(curl|wget)\\b[^\\n]*(;|&&|\\|\\|)\\s*(sudo\\s+)?(chmod\\s+[^\\n]*\\+?[0-7]*x|(ba|da|z)?sh\\s|\\./|python|perl)"),
      Pattern.compile("\\bbase64\\s+(-d|--decode)[^\\n]*\\|\\s*(ba|da|z)?sh\\b"),
      Pattern.compile("(ba)?sh\\s+-c\\s+[\"']?\\$\\((curl|wget)"),
      Pattern.compile("/dev/tcp/[0-9a-zA-Z.\\-]+/\\d+"),
      Pattern.compile("\\bbash\\s+-i\\b"),
      Pattern.compile("\\b(nc|ncat|netcat)\\b[^\\n]*\\s-[ec]\\s"),
      Pattern.compile("\\bpython[0-9.]*\\s+-c\\s+[^\\n]*(socket|urllib|urlopen|requests\\.get)"),
      Pattern.compile("\\bperl\\s+-e\\s+[^\\n]*(socket|LWP)"));
  private static final Pattern TEMP_EXEC = Pattern.compile("(^|[\\s;&|'\"=])(/tmp|/var/tmp|/dev/shm)/[^\\s;&|'\"]+");
  private static final Pattern DOWNLOAD = Pattern.compile("\\b(curl|wget)\\b(.*)");
  private static final Pattern OUTPUT = Pattern.compile("(?:-O|-o|--output(?:-document)?)[=\\s]+(\\S+)");
  private static final Pattern URL_FILE = Pattern.compile("https?://[^\\s'\"]+/([^/\\s'\"?#]+)");

  private Suspicious() {}

  /** True when the line fetches and runs code or opens a reverse shell. */
  static boolean runsFetchedCode(String line) {
    for (Pattern p : RUNS_FETCHED) {
      if (p.matcher(line).find()) {
        return true;
      }
    }
    return false;
  }

  /** True when the line runs something from /tmp, /var/tmp or /dev/shm. */
  static boolean runsFromTemp(String line) {
    return TEMP_EXEC.matcher(line).find();
  }

  /**
   * Lines of a shell history that fetch and run code: single lines that do both, and a download
   * ({@code curl -o F}, {@code wget URL/F}) followed later by a line that runs F.
   */
  static List<String> historyHits(String history) {
    Set<String> hits = new LinkedHashSet<>();
    List<String> fetchedNames = new ArrayList<>();
    List<String> fetchLines = new ArrayList<>();
    for (String raw : history.split("\n")) {
      String line = raw.startsWith(": ") && raw.indexOf(';') > 0 ? raw.substring(raw.indexOf(';') + 1) : raw; // zsh extended history
      if (runsFetchedCode(line)) {
        hits.add(line.strip());
        continue;
      }
      Matcher d = DOWNLOAD.matcher(line);
      if (d.find()) {
        Matcher o = OUTPUT.matcher(d.group(2));
        Matcher u = URL_FILE.matcher(d.group(2));
        String name = o.find() ? o.group(1) : u.find() ? u.group(1) : null;
        if (name != null) {
          if (fetchedNames.size() >= 100) {
            // a history is evidence: bound the work a hostile one can cause
            fetchedNames.remove(0);
            fetchLines.remove(0);
          }
          fetchedNames.add(name.substring(name.lastIndexOf('/') + 1));
          fetchLines.add(line.strip());
        }
        continue;
      }
      for (int i = 0; i < fetchedNames.size(); i++) {
        String n = Pattern.quote(fetchedNames.get(i));
        if (Pattern.compile("(\\b(ba|da|z)?sh\\s+\\S*" + n + "\\b)|(\\./\\S*" + n + "\\b)|(chmod\\s+\\S*x\\S*\\s+\\S*" + n + "\\b)"
            + "|(\\b(python[0-9.]*|perl)\\s+\\S*" + n + "\\b)|((^|[;&|]\\s*)(\\S*/)?" + n + "(\\s|$|[;&|]))").matcher(line.strip()).find()) {
          hits.add(fetchLines.get(i));
          hits.add(line.strip());
        }
      }
    }
    return List.copyOf(hits);
  }
}
