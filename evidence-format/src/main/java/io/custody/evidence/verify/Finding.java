package io.custody.evidence.verify;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One failed check.
 *
 * @param check which check: {@code archive}, {@code layout}, {@code sha256sums}, {@code file-hash},
 *     {@code file-missing}, {@code file-extra}, {@code signature}, {@code signer-trust}, {@code
 *     custody-chain}, {@code manifest}, {@code segment-hash}, {@code raw-hash}, {@code hash-file},
 *     {@code timestamp}
 * @param path the bundle-relative path concerned, or null
 */
@JsonPropertyOrder({"check", "path", "detail"})
public record Finding(String check, String path, String detail) {

  @Override
  public String toString() {
    return "[" + check + "] " + (path == null ? "" : path + ": ") + detail;
  }
}
