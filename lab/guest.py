"""The compromised web server's memory: the QEMU guest of scripts/lime-guest (a real Debian kernel)
plays web-1, and this module plays its SSM agent.

moto records SendCommand but runs nothing, so the agent reads the command back from the emulator
(ListCommands), fetches the document it names (GetDocument), fills in the parameters the way the
SSM agent does ({{ Name }}, defaults from the document) and runs the document's own
aws:runShellScript lines as root in the guest. Before the job the guest runs the attacker's miner
(a bash process whose memory holds the pool URL and wallet), the state the host was in.
"""

import json
import os
import re
import subprocess
import threading
import time

MINER = r"""#!/bin/bash
# the attacker's miner, as it ran on web-1 (a stand-in: it holds its configuration and a connection to
# its "pool", a listener on the guest's loopback, and waits on it; it makes no child processes)
POOL="stratum+tcp://pool.minexmr.example:4444"
WALLET="44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
ARGS="--donate-level 1 -o $POOL -u $WALLET -k --tls"
exec 3<>/dev/tcp/127.0.0.1/3333
while :; do read -r -t 3600 -u 3 job || read -r -t 3600 job < /var/tmp/.x/f; done
"""

PRE = r"""mkdir -p /var/tmp/.x
cp /job/miner.sh /var/tmp/.x/kworker.sh
mkfifo /var/tmp/.x/f
sleep 100000 > /var/tmp/.x/f &
sleep 100000 | nc -l -p 3333 > /dev/null 2>&1 &
sleep 1
cd /var/tmp/.x && bash -c 'exec -a "[kworker/u4:2]" bash /var/tmp/.x/kworker.sh' </dev/null >/dev/null 2>&1 &
sleep 1
echo "LAB-MINER-PID $!"
echo LAB-PS-BEGIN; ps -o pid,ppid,comm,args; echo LAB-PS-END
"""

PARAM = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


def build(repo, log):
    """Builds (or finds) the cached guest; returns its folder, or raises with the script's reason."""
    r = subprocess.run([os.path.join(repo, "scripts/lime-guest"), "build"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"scripts/lime-guest build failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
    return r.stdout.strip().splitlines()[-1]


class Agent(threading.Thread):
    """Waits for the first command sent to `instance`, runs it in the guest, keeps what happened."""

    def __init__(self, repo, ssm, instance, job, relay_port, deadline_s=600):
        super().__init__(name="ssm-agent", daemon=True)
        self.repo, self.ssm, self.instance, self.job, self.relay_port = repo, ssm, instance, job, relay_port
        self.deadline = time.time() + deadline_s
        self.error = None
        self.exit = None
        self.serial = ""
        self.script = None

    def run(self):
        try:
            command = self._await()
            doc = json.loads(self.ssm.get_document(Name=command["DocumentName"])["Content"])
            values = {k: v["default"] for k, v in doc.get("parameters", {}).items() if "default" in v}
            values.update({k: ",".join(v) for k, v in command.get("Parameters", {}).items()})
            step = doc["mainSteps"][0]
            if step["action"] != "aws:runShellScript":
                raise RuntimeError(f"the document's step is {step['action']}")
            self.script = "\n".join(PARAM.sub(lambda m: values[m.group(1)], line) for line in step["inputs"]["runCommand"]) + "\n"
            os.makedirs(os.path.join(self.job, "files"), exist_ok=True)
            with open(os.path.join(self.job, "run.sh"), "w") as f:
                f.write(self.script)
            with open(os.path.join(self.job, "env"), "w") as f:
                f.write(f"RELAY_PORTS={self.relay_port}\n")
            with open(os.path.join(self.job, "files", "pre.sh"), "w") as f:
                f.write(PRE)
            with open(os.path.join(self.job, "files", "miner.sh"), "w") as f:
                f.write(MINER)
            r = subprocess.run([os.path.join(self.repo, "scripts/lime-guest"), "run", self.job], capture_output=True, text=True)
            serial = os.path.join(self.job, "serial.log")
            self.serial = open(serial, errors="replace").read().replace("\r\n", "\n") if os.path.exists(serial) else ""
            self.exit = r.returncode
            if "JOB-EXIT" not in self.serial:
                raise RuntimeError(f"the guest did not finish its job (exit {r.returncode}): {r.stderr[-2000:]}")
        except Exception as e:  # reported by the lab
            self.error = e

    def _await(self):
        while time.time() < self.deadline:
            commands = self.ssm.list_commands(InstanceId=self.instance)["Commands"]
            if commands:
                return commands[-1]
            time.sleep(0.5)
        raise RuntimeError(f"no command for {self.instance} arrived")

    def between(self, begin, end):
        b = self.serial.find(begin + "\n")
        e = self.serial.find(end, b)
        return self.serial[b + len(begin) + 1:e] if b >= 0 and e >= 0 else None
