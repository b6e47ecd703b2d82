package io.custody.collector.aws;

/** Who the workstation is, as AWS sees it. */
public interface StsGateway {

  Identity whoAmI();

  /** The caller's account and ARN. */
  record Identity(String account, String arn) {}
}
