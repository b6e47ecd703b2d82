"""scripts/lab: the whole mission of Custody, end to end, on the AWS emulator.

Starts moto server on a free loopback port, builds the incident (world.py: the web tier, a leaked
CI key used to create a backdoor admin, share a snapshot, launch miners in a second region and stop
the trail; the CloudTrail files of it; disk.py: web-1's root disk with planted persistence as an IR
snapshot written through the EBS direct APIs; guest.py: web-1's memory in a QEMU guest), then runs
the real `bin/custody` commands an analyst would, in the order of the procedure, and checks every
result against the ground truth it planted. Exit 0 only when every planted item and every attacker
action was found and the bundle verifies (with custody-verify and by hand with VERIFY.txt).
"""

import argparse
import datetime as dt
import json
import re
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import disk  # noqa: E402
import guest  # noqa: E402
import world  # noqa: E402

CASE = "IR-LAB-001"
TICKET = "INC-4711"
FORENSIC_CIDR = "10.99.0.0/24"  # where the forensic workstation sits (the quarantine group admits only it)


def say(*a):
    print(*a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Failed(Exception):
    pass


class Lab:
    def __init__(self, repo, out, memory, keep):
        self.repo, self.out, self.memory, self.keep = repo, out, memory, keep
        self.home = os.path.join(out, "custody-home")
        self.logs = os.path.join(out, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.steps = []      # {n, title, command, exit, seconds}
        self.checks = []     # {what, ok, detail}
        self.items = []
        self.n = 0
        self.moto = None
        self.endpoint = None
        self.truth = {}
        self.findings = []   # the case report's findings

    # ---- running things ----

    def start_emulator(self):
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=world.REGION,
                   MOTO_IAM_LOAD_MANAGED_POLICIES="true")
        self.moto = subprocess.Popen([os.path.join(self.repo, ".venv/bin/moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                                     stdout=open(os.path.join(self.logs, "moto-server.log"), "w"), stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                world.Aws(self.endpoint).client("s3").list_buckets()
                say(f"lab: AWS emulator (moto server) on {self.endpoint}")
                return
            except Exception:
                if self.moto.poll() is not None:
                    break
                time.sleep(0.3)
        raise Failed(f"moto server did not start; see {self.logs}/moto-server.log")

    def env(self):
        # The forensic workstation's credentials (the emulator accepts any); the default chain reads them.
        return dict(os.environ, CUSTODY_HOME=self.home, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                    AWS_REGION=world.REGION, AWS_EC2_METADATA_DISABLED="true")

    def custody(self, title, *args, aws=False, ok=(0,), tool="custody"):
        """Runs bin/custody (or bin/custody-verify) as the analyst would; stdout is kept, stderr shown."""
        self.n += 1
        argv = [os.path.join(self.repo, "bin", tool), *args]
        if aws:
            argv += ["--endpoint-url", self.endpoint]
        shown = " ".join(a if " " not in a else repr(a) for a in [tool, *args] + (["--endpoint-url", "$LAB_ENDPOINT"] if aws else []))
        say(f"\n[{self.n:2}] {title}\n     $ {shown}")
        t0 = time.time()
        r = subprocess.run(argv, capture_output=True, text=True, env=self.env())
        secs = time.time() - t0
        base = os.path.join(self.logs, f"{self.n:02d}-{title.split()[0].lower()}")
        with open(base + ".out", "w") as f:
            f.write(r.stdout)
        with open(base + ".err", "w") as f:
            f.write(r.stderr)
        for line in r.stderr.splitlines()[-12:]:
            say("     | " + line)
        self.steps.append({"n": self.n, "title": title, "command": shown, "exit": r.returncode, "seconds": round(secs, 1)})
        if r.returncode not in ok:
            raise Failed(f"step {self.n} ({title}) exited {r.returncode}; see {base}.err")
        return r

    def check(self, what, ok, detail=""):
        self.checks.append({"what": what, "ok": bool(ok), "detail": detail})
        say(f"     {'ok  ' if ok else 'FAIL'} {what}" + (f" ({detail})" if detail and not ok else ""))
        return ok

    def aws(self, service, region=world.REGION):
        return world.Aws(self.endpoint).client(service, region)

    def item_file(self, item_id, name=None):
        """The stored bytes of a small uncompressed item of the case (sweep documents)."""
        case_dir = os.path.join(self.home, "cases", CASE)
        meta = json.load(open(os.path.join(case_dir, "items", item_id + ".json")))
        seg = meta["segments"]
        if meta.get("compression", "none") != "none" or len(seg) != 1:
            raise Failed(f"item {item_id} is not one uncompressed file")
        return open(os.path.join(case_dir, meta["dir"], seg[0]["file"]), "rb").read()

    # ---- the mission ----

    def run(self):
        self.start_emulator()
        say("lab: building the incident (web tier, leaked key, attacker actions, CloudTrail files)")
        self.truth = world.build(self.endpoint)
        attack = dt.datetime.strptime(self.truth["attack_start_utc"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
        say(f"lab: web-1 is {self.truth['victim']}; the leaked key is {self.truth['leaked_key']}; "
            f"{self.truth['cloudtrail_records']} CloudTrail records in {len(self.truth['cloudtrail_objects'])} files")
        image = disk.build_image(self.out, attack.timestamp())
        snap, block, written = disk.upload_snapshot(self.aws("ebs"), image, 1, f"IR snapshot of web-1 root ({TICKET})",
                                                    [{"Key": "Incident", "Value": TICKET}, {"Key": "SourceInstance", "Value": self.truth["victim"]}])
        self.truth.update(ir_snapshot=snap, ir_block_size=block, ir_blocks=written, ir_volume_bytes=1 << 30,
                          ir_sha256=disk.padded_sha256(image, 1 << 30), planted=[list(p) for p in disk.PLANTED], clean=disk.CLEAN)
        os.remove(image)
        say(f"lab: IR snapshot {snap}: {written} blocks of {block} bytes written with the EBS direct APIs")
        json.dump(self.truth, open(os.path.join(self.out, "lab-truth.json"), "w"), indent=2)

        keys = os.path.join(self.out, "keys")
        self.custody("Examiner key", "keys", "init", "--dir", keys, "--subject", "CN=Lab Examiner,O=Custody Lab")
        self.custody("Open the case", "case", "open", "--case", CASE, "--examiner", "Lab Examiner", "--org", "Custody Lab",
                     "--description", f"web-1 compromised through the leaked CI key ({TICKET})")

        # Memory first (order of volatility): the quarantine group that isolation applies has no
        # egress, which also cuts the SSM agent off.
        self.memory_step()
        self.contain_steps()
        self.sweep_step(attack)
        self.logs_step()
        self.disk_steps(attack)
        self.analysis_steps(attack)
        self.seal_steps(keys)

    def memory_step(self):
        if not self.memory[0]:
            say(f"\n[--] Memory: SKIPPED: {self.memory[1]}")
            self.steps.append({"n": None, "title": "Acquire memory", "command": None, "exit": None, "seconds": 0, "skipped": self.memory[1]})
            return
        say("\nlab: building the LiME guest (a Debian kernel for QEMU; cached after the first run)")
        g = guest.build(self.repo, say)
        release = open(os.path.join(g, "release")).read().strip()
        self.truth["guest_kernel"] = release
        self.custody("Publish the LiME module", "lime", "publish", "--bucket", world.EVIDENCE_BUCKET, os.path.join(g, "modules"), aws=True)
        self.custody("Install the SSM document", "lime", "install-document", aws=True)
        agent = guest.Agent(self.repo, self.aws("ssm"), self.truth["victim"], os.path.join(self.out, "guest-job"),
                            int(self.endpoint.rsplit(":", 1)[1]))
        agent.start()
        r = self.custody("Acquire memory", "acquire", "memory", "--case", CASE, "--instance", self.truth["victim"],
                         "--bucket", world.EVIDENCE_BUCKET, "--timeout", "20m", "--poll", "2s", "--json", aws=True, ok=(0, 1, 3, 4, 5))
        agent.join()
        if agent.error:
            raise Failed(f"the guest (playing web-1's SSM agent) failed: {agent.error}")
        rep = json.loads(r.stdout) if r.stdout.strip() else {}
        self.check("memory: captured complete and verified (exit 0)", r.returncode == 0, f"exit {r.returncode}")
        self.check("memory: host and workstation SHA-256 equal", rep.get("host_sha256") and rep.get("host_sha256") == rep.get("workstation_sha256"))
        self.check("memory: kernel release is the guest's", rep.get("kernel_release") == release, rep.get("kernel_release"))
        self.check("memory: the capture's symbols stored and checked by Volatility 3",
                   bool(rep.get("symbols_item")) and (rep.get("check") or {}).get("status") == "ok", json.dumps(rep.get("check")))
        t_method = rep.get("method")
        self.truth["memory_method"] = {"method": t_method, "reason": rep.get("method_reason")} if t_method else None
        m = re.search(r"LAB-MINER-PID (\d+)", agent.serial)
        self.truth["miner_pid"] = int(m.group(1)) if m else None
        version = agent.between("GUEST-VERSION-BEGIN", "GUEST-VERSION-END")
        self.truth["guest_banner"] = version.strip() if version else None
        self.truth["memory_item"] = rep.get("item_id")

    def contain_steps(self):
        t = self.truth
        victim = t["victim"]
        r = self.custody("Contain web-1", "contain", "instance", victim, "--case", CASE, "--ticket", TICKET,
                         "--allow-cidr", FORENSIC_CIDR, "--json", aws=True)
        steps = {s["name"]: s["status"] for s in json.loads(r.stdout)["steps"]}
        self.check("contain: every step done or skipped with a reason", all(v in ("done", "skipped") for v in steps.values()), str(steps))
        ec2 = self.aws("ec2")
        inst = ec2.describe_instances(InstanceIds=[victim])["Reservations"][0]["Instances"][0]
        groups = {g["GroupId"] for eni in inst["NetworkInterfaces"] for g in eni["Groups"]}
        quarantine = ec2.describe_security_groups(GroupIds=list(groups))["SecurityGroups"]
        self.check("contain: web-1's interfaces hold only the quarantine group",
                   len(quarantine) == 1 and quarantine[0]["GroupId"] != t["web_group"] and not quarantine[0]["IpPermissionsEgress"]
                   and all(r["CidrIp"] == FORENSIC_CIDR for p in quarantine[0]["IpPermissions"] for r in p["IpRanges"]), str(groups))
        term = ec2.describe_instance_attribute(InstanceId=victim, Attribute="disableApiTermination")["DisableApiTermination"]["Value"]
        self.check("contain: termination protection on", term)
        group = self.aws("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[t["asg"]])["AutoScalingGroups"][0]
        self.check("contain: web-1 detached from its Auto Scaling group, capacity kept",
                   victim not in [i["InstanceId"] for i in group["Instances"]] and group["DesiredCapacity"] == 2)
        classic = self.aws("elb").describe_load_balancers(LoadBalancerNames=[t["classic_lb"]])["LoadBalancerDescriptions"][0]
        targets = self.aws("elbv2").describe_target_health(TargetGroupArn=t["target_group"])["TargetHealthDescriptions"]
        self.check("contain: web-1 out of the Classic and the application load balancer",
                   victim not in [i["InstanceId"] for i in classic["Instances"]] and victim not in [x["Target"]["Id"] for x in targets])
        snaps = ec2.describe_snapshots(Filters=[{"Name": "tag-value", "Values": [TICKET]}], OwnerIds=["self"])["Snapshots"]
        self.check("contain: every volume of web-1 snapshotted, tagged with the ticket",
                   set(t["victim_volumes"]) <= {s["VolumeId"] for s in snaps}, f"{len(snaps)} snapshots")
        tags = {x["Key"]: x["Value"] for x in inst.get("Tags", [])}
        self.check("contain: web-1 tagged with the case and ticket", CASE in tags.values() and TICKET in tags.values(), str(tags))

        self.custody("Contain the leaked key", "contain", "access-key", t["leaked_key"], "--case", CASE, "--json", aws=True)
        keys = self.aws("iam").list_access_keys(UserName=t["leaked_user"])["AccessKeyMetadata"]
        self.check("contain: the leaked key is inactive (not deleted: it is evidence)",
                   [k["Status"] for k in keys if k["AccessKeyId"] == t["leaked_key"]] == ["Inactive"])

    def sweep_step(self, attack):
        t = self.truth
        since = (attack - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        r = self.custody("Sweep every region", "sweep", "--case", CASE, "--access-key", t["leaked_key"], "--since", since,
                         "--regions", "all", "--json", aws=True)
        res = json.loads(r.stdout)
        by_region = {x["region"]: x for x in res["regions"]}
        iam_doc = json.loads(self.item_file(by_region["iam (global)"]["item"]))
        users = {u.get("UserName") for u in iam_doc.get("iam_users") or []}
        keys = {k.get("AccessKeyId"): k.get("UserName") for k in iam_doc.get("iam_access_keys") or []}
        self.check("sweep: the backdoor user found", t["backdoor_user"] in users, str(sorted(users)))
        self.check("sweep: the backdoor user's access key found", keys.get(t["backdoor_key"]) == t["backdoor_user"])
        west = by_region.get(t["second_region"])
        west_doc = json.loads(self.item_file(west["item"])) if west else {}
        found = {i.get("InstanceId") for i in west_doc.get("instances") or []}
        self.check(f"sweep: the attacker's instances in {t['second_region']} found", set(t["miner_instances"]) <= found, str(found))
        home = by_region.get(t["region"], {})
        self.check("sweep: the snapshot shared with another account found",
                   f"{t['backup_snapshot']} -> account {t['other_account']}" in home.get("shared", []), str(home.get("shared")))
        self.check("sweep: all enabled regions swept", len(res["regions"]) - 1 >= 16, f"{len(res['regions']) - 1} regions")
        # What the sweep found is contained too: the backdoor user's key.
        backdoor = [k for k, u in keys.items() if u == t["backdoor_user"]]
        for k in backdoor:
            self.custody("Contain the backdoor key", "contain", "access-key", k, "--case", CASE, "--json", aws=True)
        status = {k["AccessKeyId"]: k["Status"] for k in self.aws("iam").list_access_keys(UserName=t["backdoor_user"])["AccessKeyMetadata"]}
        self.check("contain: the backdoor key is inactive", status.get(t["backdoor_key"]) == "Inactive", str(status))

    def logs_step(self):
        t = self.truth
        r = self.custody("Acquire the CloudTrail logs", "acquire", "cloudtrail", "--case", CASE, "--bucket", t["trail_bucket"], "--json", aws=True)
        rep = json.loads(r.stdout)
        t["log_item"] = rep.get("item_id") or rep.get("item", {}).get("id")
        self.check("logs: every CloudTrail file acquired", rep.get("objects") == len(t["cloudtrail_objects"]),
                   f"{rep.get('objects')} of {len(t['cloudtrail_objects'])}")

    def disk_steps(self, attack):
        t = self.truth
        r = self.custody("Acquire web-1's disk (EBS direct APIs)", "acquire", "disk", "--case", CASE, "--snapshot", t["ir_snapshot"],
                         "--method", "direct", "--md5", "--json", aws=True)
        rep = json.loads(r.stdout)
        sha = rep["item"]["hashes"]["sha256"]
        self.check("disk: SHA-256 of the acquired volume equals the lab's own hash of what it wrote", sha == t["ir_sha256"], f"{sha}")
        t["disk_item"] = rep["item"]["id"]
        if os.geteuid() != 0:
            say("\n[--] Mount read-only: SKIPPED (needs root for loop devices)")
            self.steps.append({"n": None, "title": "Mount read-only", "command": None, "exit": None, "seconds": 0, "skipped": "not root"})
            return
        at = os.path.join(self.out, "mnt")
        r = self.custody("Mount web-1's disk read-only", "mount", "--case", CASE, "--item", t["disk_item"], "--at", at)
        try:
            mounts = [line.split() for line in open("/proc/mounts") if line.split()[1].startswith(at)]
            self.check("mount: every file system mounted read-only (ro, nodev, nosuid, noexec)",
                       mounts and all({"ro", "nodev", "nosuid", "noexec"} <= set(m[3].split(",")) for m in mounts), str(mounts))
            seen = []
            for _, path in disk.PLANTED:
                hits = [m[1] for m in mounts if os.path.exists(m[1] + path)]
                seen.append(bool(hits))
            self.check("mount: the planted files are visible through the read-only mount", all(seen))
        finally:
            self.custody("Unmount (hashes the disk again)", "umount", "--case", CASE, "--item", t["disk_item"])

    def analysis_steps(self, attack):
        t = self.truth
        since = (attack - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        r = self.custody("Analyse CloudTrail", "analyze", "cloudtrail", "--case", CASE, "--item", t["log_item"], "--json", ok=(0, 1))
        rep = json.loads(r.stdout)
        named = {}
        for f in rep.get("findings", []):
            for e in f.get("event_ids") or f.get("eventIDs") or ([f["event_id"]] if f.get("event_id") else []):
                named.setdefault(e, []).append(f.get("rule_id") or f.get("id"))
        for a in t["attacker_actions"]:
            self.check(f"cloudtrail: {a['action']} ({a['eventName']} {a['eventID'][:8]}…)", a["eventID"] in named,
                       "" if a["eventID"] in named else "no finding names this event")
        keys = {k.get("key"): k for k in rep.get("access_keys", [])}
        leaked = keys.get(t["leaked_key"], {})
        self.check("cloudtrail: the leaked key's activity shows the attacker's IP", t["attacker_ip"] in json.dumps(leaked))

        # after CloudTrail: the disk analysis ties the host's logins to the addresses CloudTrail shows
        r = self.custody("Analyse the disk", "analyze", "disk", "--case", CASE, "--item", t["disk_item"], "--since", since, "--json", ok=(0, 1))
        rep = json.loads(r.stdout)
        findings = rep.get("findings", [])
        found = {(f.get("rule_id") or f.get("rule"), f.get("path")) for f in findings}
        for rule, path in disk.PLANTED:
            self.check(f"disk: {rule} {path}", (rule, path) in found)
        flagged = {p for _, p in found}
        self.check("disk: no clean look-alike flagged", not (set(disk.CLEAN) & flagged), str(set(disk.CLEAN) & flagged))

        if self.memory[0]:
            yara = os.path.join(self.repo, "lab", "yara")
            r = self.custody("Analyse web-1's memory", "analyze", "memory", "--case", CASE, "--item", t["victim"], "--yara", yara, "--json", ok=(0, 1))
            rep = json.loads(r.stdout)
            banners = [b.get("text") for b in rep.get("banners", [])]
            self.check("memory: the guest kernel's banner found", t.get("guest_banner") in banners)
            rules = {m.get("rule") for m in rep.get("yara") or []}
            self.check("memory: YARA finds the miner's pool and wallet (lab/yara)", "lab_xmrig_pool_config" in rules, str(rules))
            kernel = rep.get("kernel") or {}
            self.check("memory: Volatility 3 read the kernel with the capture's own symbols", kernel.get("status") == "ok",
                       f"{kernel.get('status')}: {kernel.get('reason')}")
            pid = t.get("miner_pid")
            procs = {p.get("pid"): p for p in kernel.get("processes", [])}
            miner = procs.get(pid) or {}
            parent = procs.get(miner.get("ppid")) or {}
            t["memory_miner"] = {"pid": pid, "ppid": miner.get("ppid"), "parent": parent.get("comm"), "comm": miner.get("comm"),
                                 "args": miner.get("args"), "exe": miner.get("exe")}
            self.check("memory: the miner's PID, command line and parent in the process list",
                       bool(miner) and "/var/tmp/.x/kworker.sh" in (miner.get("args") or "") and bool(parent), json.dumps(t["memory_miner"]))
            conns = [s for s in kernel.get("sockets", []) if s.get("pid") == pid and s.get("destination_port") == "3333"]
            t["memory_miner_connection"] = conns[0] if conns else None
            self.check("memory: the miner's connection to its pool, with its PID", bool(conns), json.dumps(kernel.get("sockets", [])[:20]))
            names = {(f.get("rule_id"), f.get("address")) for f in rep.get("findings", [])}
            who = f"pid {pid} ({miner.get('comm')})"
            self.check("memory: findings name the miner (a script from /var/tmp, a kernel-thread disguise)",
                       ("memory-process-from-temp-dir", who) in names and ("memory-process-disguised", who) in names, str(sorted(names)))
            t["volatility_plugins"] = [(p.get("plugin"), p.get("seconds"), p.get("ok")) for p in kernel.get("plugins", [])]
            mm = t["memory_miner"]
            say(f"     | miner: pid {mm['pid']} ({mm['comm']}), parent {mm['ppid']} ({mm['parent']}), command line '{mm['args']}', "
                f"executable {mm['exe']}")
            c = t.get("memory_miner_connection")
            if c:
                say(f"     | its connection: {c.get('proto')} {c.get('source')}:{c.get('source_port')} -> "
                    f"{c.get('destination')}:{c.get('destination_port')} {c.get('state')} (fd {c.get('fd')})")
            meth = t.get("memory_method") or {}
            say(f"     | captured with {meth.get('method') or 'LiME'}" + (f" ({meth.get('reason')})" if meth.get("reason") else ""))
            say("     | Volatility plugins: " + ", ".join(f"{p} {s} s" for p, s, _ in t["volatility_plugins"]))

        self.custody("Write the report", "report", "--case", CASE)
        status = json.loads(self.custody("Case status", "case", "status", "--case", CASE, "--json").stdout)
        reports = {i.get("name"): i.get("id") for i in status.get("items", []) if i.get("type") == "analysis"}
        if self.check("report: report.html and report.json added to the case", {"report.html", "report.json"} <= set(reports),
                      str(sorted(reports))):
            rep = json.loads(self.item_file(reports["report.json"]))
            t["report_summary"] = rep.get("summary")
            self.findings = rep.get("findings", [])
            listed = {(f.get("rule"), f.get("where")) for f in self.findings}
            missing = [f"{rule} {path}" for rule, path in disk.PLANTED
                       if not any(r == rule and w and (w == path or w.endswith(":" + path)) for r, w in listed)]
            self.check("report: lists every planted disk finding", not missing, ", ".join(missing))
            text = json.dumps(self.findings)
            missing = [a["eventName"] for a in t["attacker_actions"] if a["eventID"] not in text]
            self.check("report: names every attacker action's eventID", not missing, ", ".join(missing))
            if self.memory[0]:
                self.check("report: lists the YARA match in memory", ("yara:lab_xmrig_pool_config" in {r for r, _ in listed}))

    def seal_steps(self, keys):
        t = self.truth
        bundle = os.path.join(self.out, f"{CASE}.evb.tar")
        self.custody("Seal the case", "seal", "--case", CASE, "--key", os.path.join(keys, "examiner.key.pem"), "--cert",
                     os.path.join(keys, "examiner.cert.pem"), "--out", bundle)
        r = self.custody("Verify the bundle (as legal would)", bundle, "--trust", os.path.join(keys, "examiner.cert.pem"), "--json",
                         tool="custody-verify", ok=(0, 1))
        rep = json.loads(r.stdout)
        self.check("verify: custody-verify passes every check", r.returncode == 0 and rep.get("ok"), str(rep.get("findings"))[:500])
        t["bundle"] = bundle
        t["signer"] = rep.get("signer")
        # By hand, without Custody: the bundle's own VERIFY.txt (openssl, sha256sum, zstd, tar).
        by_hand = os.path.join(self.out, "by-hand")
        os.makedirs(by_hand, exist_ok=True)
        subprocess.run(["tar", "-xf", bundle, "-C", by_hand], check=True)
        top = os.path.join(by_hand, os.listdir(by_hand)[0])
        say("\n     $ tar -xf bundle && sh VERIFY.txt   (openssl, sha256sum, zstd: no Custody)")
        v = subprocess.run(["sh", "VERIFY.txt"], cwd=top, capture_output=True, text=True,
                           env=dict(os.environ, TRUST=os.path.join(keys, "examiner.cert.pem")))
        with open(os.path.join(self.logs, "verify-by-hand.out"), "w") as f:
            f.write(v.stdout + v.stderr)
        self.check("verify: VERIFY.txt by hand passes", v.returncode == 0 and "VERIFIED" in v.stdout, v.stdout[-300:])
        shutil.rmtree(by_hand, ignore_errors=True)

    def stop(self):
        if self.moto:
            self.moto.terminate()
            try:
                self.moto.wait(10)
            except subprocess.TimeoutExpired:
                self.moto.kill()

    # ---- the summary ----

    def summary(self, error):
        status = json.loads(subprocess.run([os.path.join(self.repo, "bin/custody"), "case", "status", "--case", CASE, "--json"],
                                           capture_output=True, text=True, env=self.env()).stdout or "{}")
        failed = [c for c in self.checks if not c["ok"]]
        return {
            "ok": error is None and not failed and bool(self.checks),
            "error": error,
            "case": CASE,
            "out": self.out if self.keep else None,
            "bundle": self.truth.get("bundle") if self.keep else None,
            "signer": self.truth.get("signer"),
            "steps": self.steps,
            "items": [{"id": i.get("id"), "type": i.get("type"), "source": i.get("source_id"), "name": i.get("name"),
                       "size": i.get("size"), "sha256": (i.get("hashes") or {}).get("sha256")} for i in status.get("items", [])],
            "checks": self.checks,
            "findings": self.findings,
            "truth": self.truth,
        }


SEVERITIES = ["critical", "high", "medium", "low", "info"]


def print_summary(s):
    p = print
    p(f"Custody lab: case {s['case']}")
    p("\nSteps")
    for st in s["steps"]:
        if st.get("skipped"):
            p(f"  --  {st['title']:<44} skipped: {st['skipped']}")
        else:
            p(f"  {st['n']:2}  {st['title']:<44} exit {st['exit']}  {st['seconds']:6.1f} s")
    meta = [i for i in s["items"] if i["type"] in ("metadata", "console")]
    p(f"\nEvidence items ({len(s['items'])}; {len(meta)} of them AWS metadata and console output, not listed here)")
    for i in s["items"]:
        if i not in meta:
            p(f"  {i['id']:<9} {str(i['type']):<9} {str(i['source'])[:28]:<28} {str(i['name'])[:26]:<26} sha256 {i['sha256'] or ''}")
    if s["findings"]:
        by = {}
        for f in s["findings"]:
            by.setdefault(f.get("source"), {}).setdefault(f.get("severity"), 0)
            by[f.get("source")][f.get("severity")] += 1
        p(f"\nFindings of the case report ({len(s['findings'])}; critical and high listed)")
        for source, sev in by.items():
            p(f"  {source:<11} " + ", ".join(f"{n} {k}" for k, n in sorted(sev.items(), key=lambda x: SEVERITIES.index(x[0]) if x[0] in SEVERITIES else 9)))
        for f in s["findings"]:
            if f.get("severity") in ("critical", "high"):
                p(f"  {f['severity']:<8} {str(f.get('source')):<10} {str(f.get('rule'))[:40]:<40} {str(f.get('where') or '')[:60]}")
    t = s.get("truth") or {}
    mm = t.get("memory_miner")
    if mm:
        meth = t.get("memory_method") or {}
        p("\nMemory of web-1, from the image and the capture's own symbols (Volatility 3)")
        p(f"  captured   with {meth.get('method') or 'lime'}" + (f" ({meth['reason']})" if meth.get("reason") else ""))
        p(f"  miner      pid {mm['pid']} ({mm['comm']}), parent {mm['ppid']} ({mm['parent']}), executable {mm['exe']}")
        p(f"             command line '{mm['args']}'")
        c = t.get("memory_miner_connection")
        if c:
            p(f"  connection {c.get('proto')} {c.get('source')}:{c.get('source_port')} -> {c.get('destination')}:{c.get('destination_port')} "
              f"{c.get('state')} (fd {c.get('fd')})")
        if t.get("volatility_plugins"):
            p("  plugins    " + ", ".join(f"{n.split('.')[-1]} {sec} s" for n, sec, _ in t["volatility_plugins"]))
    passed = sum(c["ok"] for c in s["checks"])
    p(f"\nGround truth: {passed} of {len(s['checks'])} checks passed")
    for c in s["checks"]:
        p(f"  {'ok  ' if c['ok'] else 'FAIL'} {c['what']}" + ("" if c["ok"] or not c["detail"] else f"  [{c['detail']}]"))
    if s["signer"]:
        p(f"\nSigner   {s['signer'].get('subject')}  SHA-256 {s['signer'].get('fingerprint_sha256') or s['signer'].get('fingerprintSha256')}")
    if s["bundle"]:
        p(f"Bundle   {s['bundle']}")
        p(f"Kept     {s['out']} (custody-home/: the case; report: custody-home/cases/{s['case']}/…/report.html; logs/: every command's output)")
    if s["error"]:
        p(f"\nStopped: {s['error']}")
    p("\nLAB PASSED" if s["ok"] else "\nLAB FAILED")


def main():
    ap = argparse.ArgumentParser(prog="scripts/lab", description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep", metavar="DIR", help="leave the case, bundle, report and logs in DIR (new or empty)")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory capture (QEMU guest)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    a = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if a.keep:
        out = os.path.abspath(a.keep)
        if os.path.exists(out) and os.listdir(out):
            ap.error(f"{out} is not empty")
        os.makedirs(out, exist_ok=True)
    else:
        out = tempfile.mkdtemp(prefix="custody-lab-")
    if a.no_memory:
        memory = (False, "--no-memory")
    elif not shutil.which("qemu-system-x86_64"):
        memory = (False, "QEMU is not installed (scripts/setup installs qemu-system-x86)")
    else:
        memory = (True, "QEMU " + ("with KVM" if os.access("/dev/kvm", os.R_OK | os.W_OK) else "under TCG (no usable /dev/kvm)"))
    lab = Lab(repo, out, memory, bool(a.keep))
    error = None
    try:
        lab.run()
    except Failed as e:
        error = str(e)
    except Exception as e:  # a bug of the lab itself: say so, never pass
        error = f"{type(e).__name__}: {e}"
        import traceback
        traceback.print_exc()
    finally:
        lab.stop()
    s = lab.summary(error)
    with open(os.path.join(out, "lab-truth.json"), "w") as f:  # again: with what the run learned (guest banner, items)
        json.dump(lab.truth, f, indent=2)
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(s, f, indent=2)
    if a.json:
        print(json.dumps(s, indent=2))
    else:
        print_summary(s)
    if not a.keep:
        subprocess.run(["umount", "-R", os.path.join(out, "mnt")], capture_output=True)
        shutil.rmtree(out, ignore_errors=True)
    sys.exit(0 if s["ok"] else 1)


if __name__ == "__main__":
    main()
