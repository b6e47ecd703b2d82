package io.custody.collector.testing;

import io.custody.evidence.testing.MotoServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateBlockDeviceMappingRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateEbsBlockDeviceRequest;
import software.amazon.awssdk.services.elasticloadbalancing.ElasticLoadBalancingClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The seed scenario of the IR procedure, built in the emulator: one VPC over two AZs, a WebApp
 * security group, an Auto Scaling group of two web instances (root and data volume each, an
 * instance profile) behind an application load balancer and a Classic one.
 */
public final class SeedScenario {

  public final String vpcId;
  public final String webAppGroupId;
  public final String asgName = "web-asg";
  public final String classicLb = "web-classic";
  public final String targetGroupArn;
  public final List<String> instances;
  public final String profileArn;

  private SeedScenario(String vpcId, String webAppGroupId, String targetGroupArn, List<String> instances, String profileArn) {
    this.vpcId = vpcId;
    this.webAppGroupId = webAppGroupId;
    this.targetGroupArn = targetGroupArn;
    this.instances = instances;
    this.profileArn = profileArn;
  }

  public static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C> C client(B builder, URI endpoint, String region) {
    return builder.region(Region.of(region)).endpointOverride(endpoint)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(MotoServer.ACCESS_KEY, MotoServer.SECRET_KEY))).build();
  }

  public static SeedScenario build(URI endpoint) {
    String region = "us-east-1";
    try (Ec2Client ec2 = client(Ec2Client.builder(), endpoint, region);
        AutoScalingClient asg = client(AutoScalingClient.builder(), endpoint, region);
        ElasticLoadBalancingClient elb = client(ElasticLoadBalancingClient.builder(), endpoint, region);
        ElasticLoadBalancingV2Client elbv2 = client(ElasticLoadBalancingV2Client.builder(), endpoint, region);
        IamClient iam = client(IamClient.builder(), endpoint, region)) {
      String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
      String subnetA = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").availabilityZone("us-east-1a")).subnet().subnetId();
      String subnetB = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.2.0/24").availabilityZone("us-east-1b")).subnet().subnetId();
      String web = ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName("WebApp").description("web tier")).groupId();
      ec2.authorizeSecurityGroupIngress(r -> r.groupId(web).ipPermissions(
          IpPermission.builder().ipProtocol("tcp").fromPort(80).toPort(80).ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build()).build(),
          IpPermission.builder().ipProtocol("tcp").fromPort(443).toPort(443).ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build()).build()));
      String ami = ec2.describeImages(r -> r.owners("amazon").filters(Filter.builder().name("architecture").values("x86_64").build()))
          .images().get(0).imageId();
      iam.createRole(r -> r.roleName("web-role").assumeRolePolicyDocument(
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
      String profileArn = iam.createInstanceProfile(r -> r.instanceProfileName("web-profile")).instanceProfile().arn();
      iam.addRoleToInstanceProfile(r -> r.instanceProfileName("web-profile").roleName("web-role"));
      ec2.createLaunchTemplate(r -> r.launchTemplateName("web").launchTemplateData(d -> d.imageId(ami).instanceType("t3.micro")
          .securityGroupIds(web).iamInstanceProfile(p -> p.arn(profileArn))
          .blockDeviceMappings(LaunchTemplateBlockDeviceMappingRequest.builder().deviceName("/dev/sdf")
              .ebs(LaunchTemplateEbsBlockDeviceRequest.builder().volumeSize(8).build()).build())));
      elb.createLoadBalancer(r -> r.loadBalancerName("web-classic").subnets(subnetA, subnetB).securityGroups(web)
          .listeners(l -> l.protocol("HTTP").loadBalancerPort(80).instanceProtocol("HTTP").instancePort(80)));
      String albArn = elbv2.createLoadBalancer(r -> r.name("web-alb").subnets(subnetA, subnetB).securityGroups(web)).loadBalancers().get(0).loadBalancerArn();
      String tg = elbv2.createTargetGroup(r -> r.name("web-tg").protocol("HTTP").port(80).vpcId(vpc).targetType(TargetTypeEnum.INSTANCE))
          .targetGroups().get(0).targetGroupArn();
      elbv2.createListener(r -> r.loadBalancerArn(albArn).protocol("HTTP").port(80).defaultActions(a -> a.type("forward").targetGroupArn(tg)));
      asg.createAutoScalingGroup(r -> r.autoScalingGroupName("web-asg").minSize(2).maxSize(2).desiredCapacity(2)
          .launchTemplate(t -> t.launchTemplateName("web")).vpcZoneIdentifier(subnetA + "," + subnetB)
          .targetGroupARNs(tg).loadBalancerNames("web-classic"));
      List<String> ids = new ArrayList<>();
      asg.describeAutoScalingGroups(r -> r.autoScalingGroupNames("web-asg")).autoScalingGroups().get(0).instances()
          .forEach(i -> ids.add(i.instanceId()));
      // Make sure both balancers hold both instances whatever the emulator does on its own.
      elb.registerInstancesWithLoadBalancer(r -> r.loadBalancerName("web-classic").instances(ids.stream()
          .map(i -> software.amazon.awssdk.services.elasticloadbalancing.model.Instance.builder().instanceId(i).build()).toList()));
      elbv2.registerTargets(r -> r.targetGroupArn(tg).targets(ids.stream().map(i -> TargetDescription.builder().id(i).port(80).build()).toList()));
      ec2.createTags(r -> r.resources(ids).tags(t -> t.key("Name").value("web")));
      // The web role on every instance, whatever the emulator took from the launch template.
      for (String id : ids) {
        if (ec2.describeIamInstanceProfileAssociations(r -> r.filters(Filter.builder().name("instance-id").values(id).build()))
            .iamInstanceProfileAssociations().isEmpty()) {
          ec2.associateIamInstanceProfile(r -> r.instanceId(id).iamInstanceProfile(p -> p.arn(profileArn)));
        }
      }
      // The web tier's group on every ENI, whatever the emulator took from the launch template.
      ec2.describeInstances(r -> r.instanceIds(ids)).reservations().forEach(res -> res.instances().forEach(i -> i.networkInterfaces()
          .forEach(n -> ec2.modifyNetworkInterfaceAttribute(m -> m.networkInterfaceId(n.networkInterfaceId()).groups(web)))));
      return new SeedScenario(vpc, web, tg, ids, profileArn);
    }
  }

}
