/**
 * The AWS side of memory capture: one small gateway interface per service ({@link
 * io.custody.lime.ssm.SsmGateway}, {@link io.custody.lime.ssm.S3Gateway}, {@link
 * io.custody.lime.ssm.Ec2Gateway}) and their {@code Sdk*} implementations, built by {@link
 * io.custody.lime.ssm.AwsClients}. This is the only package of the module that imports the AWS SDK;
 * pagination, retries and error mapping live here, once. No gateway takes or returns an SDK type,
 * and none logs a presigned URL.
 */
package io.custody.lime.ssm;
