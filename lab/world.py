"""The incident of the lab, built in the AWS emulator (moto server): the victim account's web tier,
its CloudTrail, the attacker's actions with a leaked access key, and the CloudTrail log files that
record them, delivered to S3 the way CloudTrail delivers them.

Everything the attacker does is done for real against the emulator (the resources exist afterwards
and Custody's sweep must find them); moto keeps no CloudTrail of its own, so this module writes the
record AWS would have written for each call, with the request id the emulator answered, the ids it
returned and the time the call was made.
"""

import datetime as dt
import gzip
import io
import json
import random
import string
import uuid

import boto3

ACCOUNT = "123456789012"  # moto's account
REGION = "us-east-1"
SECOND_REGION = "us-west-2"
ATTACKER_IP = "203.0.113.66"  # TEST-NET-3
ATTACKER_UA = "aws-cli/2.13.5 Python/3.11.4 Linux/6.3.0-kali1-amd64 exe/x86_64.kali.2023 prompt/off"
CI_IP = "192.0.2.10"  # TEST-NET-1: the CI runner that owns the leaked key
CI_UA = "aws-cli/2.15.30 Python/3.11.8 Linux/5.15.0-1051-aws exe/x86_64.ubuntu.22 prompt/off"
ADMIN_IP = "198.51.100.20"  # TEST-NET-2
CONSOLE_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
OTHER_ACCOUNT = "444455556666"  # where the attacker shares the snapshot
TRAIL = "management-events"
TRAIL_BUCKET = f"acme-cloudtrail-{ACCOUNT}"
EVIDENCE_BUCKET = f"acme-forensics-{ACCOUNT}"
LEAKED_USER = "ci-deploy"
BACKDOOR_USER = "backup-svc"
MINER_TYPE = "c5.24xlarge"


def iso(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Aws:
    """boto3 clients on the emulator, for one set of credentials."""

    def __init__(self, endpoint, key="testing", secret="testing"):
        self.endpoint, self.key, self.secret = endpoint, key, secret

    def client(self, service, region=REGION):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=self.key, aws_secret_access_key=self.secret)


class Trail:
    """The CloudTrail records of the account, as AWS would write them."""

    def __init__(self, rng):
        self.records = []
        self.rng = rng

    def add(self, who, source, name, region, when, params=None, response=None, request_id=None,
            read_only=False, ip=None, ua=None, event_type="AwsApiCall", extra=None):
        host = source if source.startswith(("iam.", "signin.")) else source.replace(".amazonaws.com", f".{region}.amazonaws.com")
        r = {
            "eventVersion": "1.09",
            "userIdentity": who,
            "eventTime": iso(when),
            "eventSource": source,
            "eventName": name,
            "awsRegion": region,
            "sourceIPAddress": ip,
            "userAgent": ua,
            "requestParameters": params,
            "responseElements": response,
            "requestID": request_id or str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "eventID": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "readOnly": read_only,
            "eventType": event_type,
            "managementEvent": True,
            "recipientAccountId": ACCOUNT,
            "eventCategory": "Management",
            "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": host},
        }
        if extra:
            r.update(extra)
        self.records.append(r)
        return r

    def deliver(self, s3, bucket):
        """Writes the records to S3 as CloudTrail does: per region, about every five minutes, one
        gzipped {"Records": [...]} object under AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/.
        Returns the keys written."""
        files = {}
        for r in self.records:
            t = dt.datetime.strptime(r["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
            slot = t.replace(minute=t.minute - t.minute % 5, second=0) + dt.timedelta(minutes=5)
            files.setdefault((r["awsRegion"], slot), []).append(r)
        keys = []
        for (region, slot), recs in sorted(files.items()):
            suffix = "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(16))
            key = (f"AWSLogs/{ACCOUNT}/CloudTrail/{region}/{slot:%Y/%m/%d}/"
                   f"{ACCOUNT}_CloudTrail_{region}_{slot:%Y%m%dT%H%MZ}_{suffix}.json.gz")
            body = gzip.compress(json.dumps({"Records": recs}, separators=(",", ":")).encode(), mtime=0)
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            keys.append(key)
        # One digest file of the integrity chain: not event records, Custody must tell them apart.
        last = max(files)[1]
        digest = {"awsAccountId": ACCOUNT, "digestStartTime": iso(last - dt.timedelta(hours=1)), "digestEndTime": iso(last),
                  "digestS3Bucket": bucket, "digestPublicKeyFingerprint": "0" * 32, "digestSignatureAlgorithm": "SHA256withRSA",
                  "logFiles": [{"s3Bucket": bucket, "s3Object": k} for k in keys[-3:]]}
        s3.put_object(Bucket=bucket, Key=f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/{REGION}/{last:%Y/%m/%d}/"
                      f"{ACCOUNT}_CloudTrail-Digest_{REGION}_{TRAIL}_{REGION}_{last:%Y%m%dT%H%M%SZ}.json.gz",
                      Body=gzip.compress(json.dumps(digest).encode(), mtime=0))
        return keys


def rid(resp):
    return resp.get("ResponseMetadata", {}).get("RequestId") or None


def build(endpoint, seed=4711):
    """Builds the world and the attack; returns the ground truth (a dict, JSON-serialisable)."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    admin = Aws(endpoint)
    ec2 = admin.client("ec2")
    iam = admin.client("iam")
    s3 = admin.client("s3")
    truth = {"account": ACCOUNT, "region": REGION, "second_region": SECOND_REGION, "seeded_utc": iso(now)}

    # ---- the web tier: one VPC over two AZs, WebApp group, ASG of two behind an ALB and a Classic LB ----
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    subnet_b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    web = ec2.create_security_group(VpcId=vpc, GroupName="WebApp", Description="web tier")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]} for p in (80, 443)])
    ami = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}])["Images"][0]["ImageId"]
    iam.create_role(RoleName="web-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    profile = iam.create_instance_profile(InstanceProfileName="web-profile")["InstanceProfile"]["Arn"]
    iam.add_role_to_instance_profile(InstanceProfileName="web-profile", RoleName="web-role")
    ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
        "ImageId": ami, "InstanceType": "t3.micro", "SecurityGroupIds": [web], "IamInstanceProfile": {"Arn": profile},
        "BlockDeviceMappings": [{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 8}}]})
    elb = admin.client("elb")
    elbv2 = admin.client("elbv2")
    asg = admin.client("autoscaling")
    elb.create_load_balancer(LoadBalancerName="web-classic", Subnets=[subnet_a, subnet_b], SecurityGroups=[web],
                             Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 80}])
    alb = elbv2.create_load_balancer(Name="web-alb", Subnets=[subnet_a, subnet_b], SecurityGroups=[web])["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elbv2.create_target_group(Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(LoadBalancerArn=alb, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    asg.create_auto_scaling_group(AutoScalingGroupName="web-asg", MinSize=2, MaxSize=2, DesiredCapacity=2,
                                  LaunchTemplate={"LaunchTemplateName": "web"}, VPCZoneIdentifier=f"{subnet_a},{subnet_b}",
                                  TargetGroupARNs=[tg], LoadBalancerNames=["web-classic"])
    instances = sorted(i["InstanceId"] for i in asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web-asg"])["AutoScalingGroups"][0]["Instances"])
    # both balancers hold both instances, and every instance has the web role and group, whatever the emulator did
    elb.register_instances_with_load_balancer(LoadBalancerName="web-classic", Instances=[{"InstanceId": i} for i in instances])
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": i, "Port": 80} for i in instances])
    for n, i in enumerate(instances, 1):
        ec2.create_tags(Resources=[i], Tags=[{"Key": "Name", "Value": f"web-{n}"}, {"Key": "App", "Value": "shop"}])
        if not ec2.describe_iam_instance_profile_associations(Filters=[{"Name": "instance-id", "Values": [i]}])["IamInstanceProfileAssociations"]:
            ec2.associate_iam_instance_profile(InstanceId=i, IamInstanceProfile={"Arn": profile})
    for res in ec2.describe_instances(InstanceIds=instances)["Reservations"]:
        for inst in res["Instances"]:
            for eni in inst["NetworkInterfaces"]:
                ec2.modify_network_interface_attribute(NetworkInterfaceId=eni["NetworkInterfaceId"], Groups=[web])
    victim = instances[0]
    desc = ec2.describe_instances(InstanceIds=[victim])["Reservations"][0]["Instances"][0]
    volumes = [m["Ebs"]["VolumeId"] for m in desc.get("BlockDeviceMappings", [])]
    truth.update(vpc=vpc, web_group=web, asg="web-asg", classic_lb="web-classic", target_group=tg,
                 instances=instances, victim=victim, victim_volumes=volumes, victim_eni=[e["NetworkInterfaceId"] for e in desc["NetworkInterfaces"]])

    # ---- a nightly backup snapshot (what the attacker will share), the trail, the buckets ----
    backup = ec2.create_snapshot(VolumeId=volumes[-1], Description="nightly backup of web-1 data",
                                 TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "Backup", "Value": "nightly"}]}])["SnapshotId"]
    s3.create_bucket(Bucket=TRAIL_BUCKET)
    s3.create_bucket(Bucket=EVIDENCE_BUCKET, ObjectLockEnabledForBucket=True)
    ct = admin.client("cloudtrail")
    ct.create_trail(Name=TRAIL, S3BucketName=TRAIL_BUCKET, IsMultiRegionTrail=True)
    ct.start_logging(Name=TRAIL)

    # ---- the CI user whose key leaks, and an administrator ----
    iam.create_user(UserName=LEAKED_USER)
    iam.put_user_policy(UserName=LEAKED_USER, PolicyName="deploy", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ec2:*", "autoscaling:*", "iam:*", "cloudtrail:*", "s3:*"], "Resource": "*"}]}))
    leaked = iam.create_access_key(UserName=LEAKED_USER)["AccessKey"]
    ci_user = iam.get_user(UserName=LEAKED_USER)["User"]
    iam.create_user(UserName="alice")
    alice = iam.get_user(UserName="alice")["User"]
    truth.update(leaked_user=LEAKED_USER, leaked_key=leaked["AccessKeyId"], backup_snapshot=backup,
                 trail=TRAIL, trail_bucket=TRAIL_BUCKET, evidence_bucket=EVIDENCE_BUCKET, other_account=OTHER_ACCOUNT)

    trail = Trail(rng)
    ci = {"type": "IAMUser", "principalId": ci_user["UserId"], "arn": ci_user["Arn"], "accountId": ACCOUNT,
          "accessKeyId": leaked["AccessKeyId"], "userName": LEAKED_USER}
    noise(trail, rng, now, ci, alice, instances, ami)

    # ---- the attack: the leaked key, from the attacker's machine, minutes ago ----
    attack_start = now - dt.timedelta(minutes=40)
    truth["attack_start_utc"] = iso(attack_start)
    t = [attack_start]

    def tick(seconds):
        t[0] += dt.timedelta(seconds=seconds + rng.random() * 5)
        return t[0]

    mal = Aws(endpoint, leaked["AccessKeyId"], leaked["SecretAccessKey"])
    who = dict(ci)
    actions = []

    def act(name, source, region, params, resp, response=None, read_only=False, kind=None, secs=7):
        rec = trail.add(who, source, name, region, tick(secs), params, response, rid(resp), read_only, ATTACKER_IP, ATTACKER_UA)
        if kind:
            actions.append({"action": kind, "eventName": name, "eventID": rec["eventID"], "region": region})
        return rec

    sts = mal.client("sts")
    act("GetCallerIdentity", "sts.amazonaws.com", REGION, None, sts.get_caller_identity(), read_only=True, secs=0)
    miam = mal.client("iam")
    act("ListUsers", "iam.amazonaws.com", REGION, None, miam.list_users(), read_only=True)
    act("ListAttachedUserPolicies", "iam.amazonaws.com", REGION, {"userName": LEAKED_USER},
        miam.list_attached_user_policies(UserName=LEAKED_USER), read_only=True)
    mec2 = mal.client("ec2")
    act("DescribeInstances", "ec2.amazonaws.com", REGION, {"instancesSet": {}, "filterSet": {}}, mec2.describe_instances(), read_only=True)
    act("DescribeSnapshots", "ec2.amazonaws.com", REGION, {"ownersSet": {"items": [{"owner": "self"}]}},
        mec2.describe_snapshots(OwnerIds=["self"]), read_only=True)
    r = miam.create_user(UserName=BACKDOOR_USER)
    u = r["User"]
    act("CreateUser", "iam.amazonaws.com", REGION, {"userName": BACKDOOR_USER}, r,
        {"user": {"path": "/", "userName": BACKDOOR_USER, "userId": u["UserId"], "arn": u["Arn"],
                  "createDate": u["CreateDate"].strftime("%b %d, %Y %I:%M:%S %p")}}, kind="backdoor user created")
    r = miam.create_access_key(UserName=BACKDOOR_USER)
    bk = r["AccessKey"]
    act("CreateAccessKey", "iam.amazonaws.com", REGION, {"userName": BACKDOOR_USER}, r,
        {"accessKey": {"userName": BACKDOOR_USER, "accessKeyId": bk["AccessKeyId"], "status": "Active",
                       "createDate": bk["CreateDate"].strftime("%b %d, %Y %I:%M:%S %p")}}, kind="backdoor access key created")
    r = miam.attach_user_policy(UserName=BACKDOOR_USER, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    act("AttachUserPolicy", "iam.amazonaws.com", REGION, {"userName": BACKDOOR_USER, "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        r, kind="admin policy attached")
    r = mec2.modify_snapshot_attribute(SnapshotId=backup, Attribute="createVolumePermission", OperationType="add", UserIds=[OTHER_ACCOUNT])
    act("ModifySnapshotAttribute", "ec2.amazonaws.com", REGION,
        {"snapshotId": backup, "createVolumePermission": {"add": {"items": [{"userId": OTHER_ACCOUNT}]}}, "attributeType": "CREATE_VOLUME_PERMISSION"},
        r, {"requestId": rid(r), "_return": True}, kind="snapshot shared with another account")
    west = mal.client("ec2", SECOND_REGION)
    act("DescribeRegions", "ec2.amazonaws.com", SECOND_REGION, {"regionSet": {}}, west.describe_regions(), read_only=True)
    west_ami = west.describe_images(Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}])["Images"][0]["ImageId"]
    act("DescribeImages", "ec2.amazonaws.com", SECOND_REGION, {"ownersSet": {"items": [{"owner": "amazon"}]}}, {}, read_only=True)
    r = west.run_instances(ImageId=west_ami, InstanceType=MINER_TYPE, MinCount=2, MaxCount=2,
                           TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "batch-worker"}]}])
    miners = [i["InstanceId"] for i in r["Instances"]]
    act("RunInstances", "ec2.amazonaws.com", SECOND_REGION,
        {"instancesSet": {"items": [{"imageId": west_ami, "minCount": 2, "maxCount": 2}]}, "instanceType": MINER_TYPE,
         "userData": "<sensitiveDataRemoved>"}, r,
        {"requestId": rid(r), "reservationId": r["ReservationId"], "ownerId": ACCOUNT,
         "instancesSet": {"items": [{"instanceId": i, "imageId": west_ami, "instanceType": MINER_TYPE} for i in miners]}},
        kind="instances launched in a second region")
    mct = mal.client("cloudtrail")
    r = mct.stop_logging(Name=TRAIL)
    act("StopLogging", "cloudtrail.amazonaws.com", REGION, {"name": TRAIL}, r, None, kind="trail stopped", secs=30)
    truth.update(backdoor_user=BACKDOOR_USER, backdoor_key=bk["AccessKeyId"], miner_instances=miners, miner_type=MINER_TYPE,
                 attacker_ip=ATTACKER_IP, attacker_actions=actions)
    truth["cloudtrail_objects"] = trail.deliver(s3, TRAIL_BUCKET)
    truth["cloudtrail_records"] = len(trail.records)
    return truth


def noise(trail, rng, now, ci, alice, instances, ami):
    """Two days of the account's ordinary activity: the CI deploying from its runner, an administrator
    signing in to the console with MFA and looking around. All in the home region."""
    start = now - dt.timedelta(days=2)
    admin = {"type": "IAMUser", "principalId": alice["UserId"], "arn": alice["Arn"], "accountId": ACCOUNT, "userName": "alice",
             "accessKeyId": "ASIA" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
             "sessionContext": {"attributes": {"creationDate": iso(now - dt.timedelta(days=2)), "mfaAuthenticated": "true"}}}
    t = start
    while t < now - dt.timedelta(hours=1):
        # a deploy every three hours or so
        for name, source, ro in (("DescribeAutoScalingGroups", "autoscaling.amazonaws.com", True),
                                 ("DescribeLaunchTemplateVersions", "ec2.amazonaws.com", True),
                                 ("CreateLaunchTemplateVersion", "ec2.amazonaws.com", False),
                                 ("UpdateAutoScalingGroup", "autoscaling.amazonaws.com", False),
                                 ("DescribeInstances", "ec2.amazonaws.com", True),
                                 ("DescribeTargetHealth", "elasticloadbalancing.amazonaws.com", True)):
            t += dt.timedelta(seconds=3 + rng.random() * 20)
            params = {"autoScalingGroupName": "web-asg"} if "AutoScaling" in name else None
            trail.add(ci, source, name, REGION, t, params, None, None, ro, CI_IP, CI_UA)
        t += dt.timedelta(hours=2, minutes=rng.randint(30, 90))
    for day in (2, 1):
        t = (now - dt.timedelta(days=day)).replace(hour=9, minute=rng.randint(0, 30), second=0)
        trail.add(admin, "signin.amazonaws.com", "ConsoleLogin", REGION, t, None, {"ConsoleLogin": "Success"}, None, False,
                  ADMIN_IP, CONSOLE_UA, event_type="AwsConsoleSignIn",
                  extra={"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": "Yes"}})
        for _ in range(40):
            t += dt.timedelta(seconds=10 + rng.random() * 120)
            name, source = rng.choice([("DescribeInstances", "ec2.amazonaws.com"), ("DescribeSecurityGroups", "ec2.amazonaws.com"),
                                       ("DescribeVolumes", "ec2.amazonaws.com"), ("GetBucketLocation", "s3.amazonaws.com"),
                                       ("ListBuckets", "s3.amazonaws.com"), ("DescribeAlarms", "monitoring.amazonaws.com"),
                                       ("GetMetricData", "monitoring.amazonaws.com"), ("DescribeLoadBalancers", "elasticloadbalancing.amazonaws.com")])
            trail.add(admin, source, name, REGION, t, None, None, None, True, ADMIN_IP, CONSOLE_UA)
