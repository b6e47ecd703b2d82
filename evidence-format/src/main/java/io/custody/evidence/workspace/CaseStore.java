package io.custody.evidence.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.ToolVersion;
import io.custody.evidence.custody.Actor;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.files.DurableFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Where cases live: {@code <home>/cases/<case-id>}. The home is {@code --home}, else {@code
 * $CUSTODY_HOME}, else {@code /var/lib/custody}.
 */
public final class CaseStore {

  /** The default home when neither {@code --home} nor {@code CUSTODY_HOME} is given. */
  public static final String DEFAULT_HOME = "/var/lib/custody";

  private final Path home;
  private final Clock clock;

  private CaseStore(Path home, Clock clock) {
    this.home = home;
    this.clock = clock;
  }

  public static CaseStore at(Path home, Clock clock) {
    return new CaseStore(home, clock);
  }

  /** {@code explicit}, else {@code $CUSTODY_HOME}, else {@link #DEFAULT_HOME}. */
  public static Path resolveHome(Path explicit) {
    if (explicit != null) {
      return explicit;
    }
    String env = System.getenv("CUSTODY_HOME");
    return Paths.get(env != null && !env.isBlank() ? env : DEFAULT_HOME);
  }

  public Path home() {
    return home;
  }

  /**
   * Creates a case and records its opening.
   *
   * @throws InvalidInputException when the id is invalid or the case exists
   */
  public Case open(String caseId, String examiner, String organization, String description) {
    Names.requireNewCaseId(caseId);
    if (examiner == null || examiner.isBlank()) {
      throw new InvalidInputException("Failed to open case '" + caseId + "': --examiner is required");
    }
    Path dir = home.resolve("cases").resolve(caseId);
    try {
      Files.createDirectories(dir.getParent());
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
    } catch (FileAlreadyExistsException e) {
      throw new InvalidInputException("Failed to open case '" + caseId + "': it already exists at " + dir);
    } catch (IOException e) {
      throw new HostException("Failed to open case '" + caseId + "': " + e.getMessage(), e);
    }
    String opened = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    CaseInfo info = new CaseInfo(caseId, examiner, blankToNull(organization), blankToNull(description), opened, Actor.localHost(), ToolVersion.tool());
    byte[] bytes = Json.write(info);
    try {
      DurableFiles.writeNew(dir.resolve(Case.CASE_JSON), bytes);
    } catch (IOException e) {
      throw new HostException("Failed to open case '" + caseId + "': " + e.getMessage(), e);
    }
    Case c = new Case(dir, info, clock);
    c.log().append(Event.of("case-opened")
        .object(CustodyObject.file(Case.CASE_JSON, bytes.length, Sha256.digest(bytes)))
        .notes("case " + caseId + " opened by " + examiner + (info.organization() == null ? "" : " (" + info.organization() + ")")));
    return c;
  }

  /**
   * Loads an existing case.
   *
   * @throws InvalidInputException when there is no such case
   */
  public Case load(String caseId) {
    Names.requireId(caseId, "case id");
    Path dir = home.resolve("cases").resolve(caseId);
    Path json = dir.resolve(Case.CASE_JSON);
    if (!Files.isRegularFile(json)) {
      throw new InvalidInputException("Failed to load case '" + caseId + "': no case at " + dir + " (open it with 'custody case open')");
    }
    try {
      if (Files.size(json) > 1 << 20) {
        throw new IntegrityException("Failed to load case '" + caseId + "': case.json is larger than 1 MiB");
      }
      CaseInfo info = Json.mapper().readValue(Files.readAllBytes(json), CaseInfo.class);
      if (!caseId.equals(info.id())) {
        throw new IntegrityException("Failed to load case '" + caseId + "': case.json names case '" + info.id() + "'");
      }
      return new Case(dir, info, clock);
    } catch (JsonProcessingException e) {
      throw new IntegrityException("Failed to load case '" + caseId + "': case.json at offset "
          + (e.getLocation() == null ? -1 : e.getLocation().getByteOffset()) + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new HostException("Failed to load case '" + caseId + "': " + e.getMessage(), e);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
