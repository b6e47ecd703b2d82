package io.custody.lime.ssm;

/**
 * A part of a multipart upload.
 *
 * @param number 1-based part number
 * @param etag the part's ETag as S3 returned it, without quotes
 * @param size bytes, or -1 when unknown
 */
public record UploadedPart(int number, String etag, long size) {

  public UploadedPart {
    if (number < 1 || number > 10_000) {
      throw new IllegalArgumentException("part number " + number + " outside 1..10000");
    }
    etag = etag == null ? null : etag.replace("\"", "");
  }
}
