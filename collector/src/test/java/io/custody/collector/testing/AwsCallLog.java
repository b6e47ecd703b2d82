package io.custody.collector.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Every AWS call the code under test sends with one access key, as signed: the SDK loads this
 * interceptor into every client of the test JVM (src/test/resources/software/amazon/awssdk/global/
 * handlers/execution.interceptors), and it records only between {@link #start} and {@link #stop}.
 * Tests map the calls to IAM actions and resources and check them against the workstation policy.
 */
public final class AwsCallLog implements ExecutionInterceptor {

  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/[^/]+/([^/]+)/([^/]+)/aws4_request");
  private static final List<Call> CALLS = new ArrayList<>();
  private static volatile String recording;

  /**
   * One signed request.
   *
   * @param service the signing name (the IAM prefix: ec2, s3, ssm, …)
   * @param operation the API operation (CreateMultipartUpload, SendCommand, …)
   */
  public record Call(String accessKeyId, String region, String service, String operation, SdkRequest request) {
    /** A field of the request (Bucket, Key, Name, DocumentName, InstanceIds, …), or null. */
    public Object field(String name) {
      return request.getValueForField(name, Object.class).orElse(null);
    }
  }

  /** Records, from now on, the calls signed with {@code accessKeyId} (forgetting earlier ones). */
  public static synchronized void start(String accessKeyId) {
    CALLS.clear();
    recording = accessKeyId;
  }

  /** Stops recording and returns what was recorded. */
  public static synchronized List<Call> stop() {
    recording = null;
    return List.copyOf(CALLS);
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String key = recording;
    if (key == null) {
      return;
    }
    // Signed by now: the credential scope names the key, the region and the signing service.
    String auth = context.httpRequest().firstMatchingHeader("Authorization").orElse("");
    Matcher m = CREDENTIAL.matcher(auth);
    if (!m.find() || !m.group(1).equals(key)) {
      return;
    }
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    synchronized (AwsCallLog.class) {
      if (key.equals(recording)) {
        CALLS.add(new Call(key, m.group(2), m.group(3), operation, context.request()));
      }
    }
  }
}
