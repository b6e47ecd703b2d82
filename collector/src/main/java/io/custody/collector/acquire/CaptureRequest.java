package io.custody.collector.acquire;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import io.custody.evidence.ids.InstanceId;
import io.custody.lime.capture.CaptureMethod;
import io.custody.lime.capture.Transport;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What to capture and how. Defaults: parts of 16 MiB (grown so no capture needs more than 9,000
 * parts), a 1 hour deadline, SSM polled every 5 s, LiME on a random loopback port in 40000-59999,
 * S3 keys under {@code custody/}.
 *
 * @param partSize bytes per multipart part (5 MiB to 1 GiB)
 * @param timeout deadline for the whole capture, from SendCommand to result.json
 * @param port LiME's loopback TCP port on the host
 * @param allowBuildOnHost when the library has no module for the host's kernel, let the host compile
 *     LiME (in RAM, with its own kernel headers and compiler) instead of stopping; off by default
 * @param method what reads the memory on the host: auto (the default: LiME when the library has a module
 *     for the kernel and the kernel loads it, else AVML), lime or avml
 */
public record CaptureRequest(InstanceId instance, String bucket, long partSize, Duration timeout, Duration pollInterval, int port, String prefix,
    boolean allowBuildOnHost, Transport transport, CaptureMethod method) {

  public static final long DEFAULT_PART_SIZE = 16L << 20;
  public static final long MIN_PART_SIZE = 5L << 20;
  public static final long MAX_PART_SIZE = 1L << 30;
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,64}(/[A-Za-z0-9._-]{1,64}){0,7}");

  public CaptureRequest {
    if (instance == null) {
      throw new InvalidInputException("Failed to capture memory: no instance given");
    }
    if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new InvalidInputException("Failed to use bucket '" + Printable.of(String.valueOf(bucket)) + "': not an S3 bucket name");
    }
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new InvalidInputException("Failed to use part size " + partSize + ": S3 parts are 5 MiB to 1 GiB here");
    }
    if (timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(1)) < 0 || timeout.compareTo(Duration.ofDays(6)) > 0) {
      throw new InvalidInputException("Failed to use timeout " + timeout + ": between 1 minute and 6 days (presigned URLs live at most 7 days)");
    }
    if (port < 1024 || port > 65535) {
      throw new InvalidInputException("Failed to use port " + port + ": 1024-65535");
    }
    if (transport == null) {
      transport = Transport.NONE;
    }
    if (method == null) {
      method = CaptureMethod.AUTO;
    }
    if (method == CaptureMethod.AVML && allowBuildOnHost) {
      throw new InvalidInputException("Failed to capture memory: --allow-build-on-host compiles LiME, which method avml does not use");
    }
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new InvalidInputException("Failed to use key prefix '" + Printable.of(String.valueOf(prefix)) + "'");
    }
  }

  /** The defaults for an instance and a bucket. */
  public static CaptureRequest of(InstanceId instance, String bucket) {
    return new CaptureRequest(instance, bucket, DEFAULT_PART_SIZE, Duration.ofHours(1), Duration.ofSeconds(5),
        40000 + new java.security.SecureRandom().nextInt(20000), "custody", false, Transport.NONE, CaptureMethod.AUTO);
  }

  public CaptureRequest withPartSize(long size) {
    return new CaptureRequest(instance, bucket, size, timeout, pollInterval, port, prefix, allowBuildOnHost, transport, method);
  }

  public CaptureRequest withTimeout(Duration t) {
    return new CaptureRequest(instance, bucket, partSize, t, pollInterval, port, prefix, allowBuildOnHost, transport, method);
  }

  public CaptureRequest withPollInterval(Duration p) {
    return new CaptureRequest(instance, bucket, partSize, timeout, p, port, prefix, allowBuildOnHost, transport, method);
  }

  public CaptureRequest withPort(int p) {
    return new CaptureRequest(instance, bucket, partSize, timeout, pollInterval, p, prefix, allowBuildOnHost, transport, method);
  }

  public CaptureRequest withAllowBuildOnHost(boolean allow) {
    return new CaptureRequest(instance, bucket, partSize, timeout, pollInterval, port, prefix, allow, transport, method);
  }

  public CaptureRequest withMethod(CaptureMethod m) {
    return new CaptureRequest(instance, bucket, partSize, timeout, pollInterval, port, prefix, allowBuildOnHost, transport, m);
  }

  public CaptureRequest withTransport(Transport t) {
    return new CaptureRequest(instance, bucket, partSize, timeout, pollInterval, port, prefix, allowBuildOnHost, t, method);
  }
}
