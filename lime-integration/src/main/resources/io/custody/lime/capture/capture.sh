#!/bin/sh
# Custody-LiMECapture: captures this host's RAM with LiME (or AVML) for a forensic workstation.
# POSIX sh with busybox or coreutils, curl or GNU wget. Needs no credentials: it only uses the
# presigned URLs of its plan. Writes nothing to disk (parts live in a tmpfs, i.e. RAM), compiles
# nothing, always unloads the module, and reports through S3 (result.json), not through stdout.
# The plan's method: lime (the library's module for this kernel), avml (the library's AVML, a
# userland reader of /proc/kcore that writes LiME format; fetched into the tmpfs and run from
# there), or auto: LiME when it can be used, else AVML, recording why.
set -uf
umask 077
PATH=$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PLAN_URL='{{ PlanUrl }}'
PLAN_SHA256='{{ PlanSha256 }}'
RESULT_URL='{{ ResultUrl }}'
STAGE=preflight
STATUS=failed
ERROR=''
W=''
LOADED=''
INSMOD_PID=''
HASH_PID=''
REL=''
BYTES=0
SHA=''
MOD_SHA=''
RMMOD='not-loaded'
INSMOD_RC=''
HTTP=''
READER=''
HASHER=''
PORT=''
PART_SIZE=''
COMPRESS=''
METHOD=''
USED=''
WHY=''
AVML_URL=''
AVML_PLAN_SHA=''
AVML_SHA=''
AVML_SRC=''
AVML_PID=''
T_START=$(cut -d' ' -f1 /proc/uptime)
T_LOADED=''
T_CAPTURED=''
UTC_START=$(date -u +%Y-%m-%dT%H:%M:%SZ)

up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "custody-lime: $*"; }
fail() { ERROR="$*"; say "FAILED ($STAGE): $*" >&2; exit 1; }
# JSON string body: control characters dropped, backslash and quote escaped.
js() { printf '%s' "$1" | tr -d '\000-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
pause() { sleep 0.2 2>/dev/null || sleep 1; }

http_get() { # URL FILE
  if [ "$HTTP" = curl ]; then curl -q -sS -f --connect-timeout 20 --max-time 600 -o "$2" "$1"
  else wget -q -T 60 -O "$2" "$1"; fi
}
http_put() { # FILE URL HEADERS
  if [ "$HTTP" = curl ]; then curl -q -sS -f --connect-timeout 20 --max-time 1800 -T "$1" -D "$3" -o /dev/null "$2"
  else wget -q -T 600 --method=PUT --body-file="$1" --server-response -O /dev/null "$2" 2>"$3"; fi
}
etag_of() { sed -n 's/^ *[Ee][Tt][Aa][Gg]: *//p' "$1" | tr -d '\r" ' | head -n 1; }

write_result() {
  [ -n "$W" ] && [ -d "$W" ] || return 1
  r="$W/result.json"
  {
    printf '{\n  "format": "custody-lime-result/1",\n  "status": "%s",\n  "stage": "%s",\n  "error": "%s",\n' "$STATUS" "$STAGE" "$(js "$ERROR")"
    printf '  "kernel_release": "%s",\n  "uname": "%s",\n  "proc_version": "%s",\n' "$(js "$REL")" "$(js "$(uname -a 2>/dev/null)")" "$(js "$(cat /proc/version 2>/dev/null)")"
    printf '  "lockdown": "%s",\n  "sig_enforce": "%s",\n' "$(js "$(cat /sys/kernel/security/lockdown 2>/dev/null)")" "$(js "$(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)")"
    printf '  "mem_total_kb": %s,\n  "mem_available_kb": %s,\n' "$(awk '$1=="MemTotal:"{print $2}' /proc/meminfo)" "$(awk '$1=="MemAvailable:"{print $2}' /proc/meminfo)"
    printf '  "module_sha256": "%s",\n  "module_built_on_host": "%s",\n  "http": "%s",\n  "reader": "%s",\n  "hasher": "%s",\n  "port": "%s",\n  "part_size": "%s",\n' "$MOD_SHA" "${BUILT:-no}" "$HTTP" "$READER" "$HASHER" "$PORT" "$PART_SIZE"
    printf '  "method": "%s",\n  "method_reason": "%s",\n  "avml_sha256": "%s",\n  "avml_source": "%s",\n' "$USED" "$(js "$WHY")" "$AVML_SHA" "$AVML_SRC"
    printf '  "insmod_rc": "%s",\n  "rmmod": "%s",\n  "compression": "%s",\n  "bytes": %s,\n  "sha256": "%s",\n' "$INSMOD_RC" "$RMMOD" "${COMPRESS:-none}" "$BYTES" "$SHA"
    printf '  "parts": ['
    sep=''
    if [ -f "$W/parts" ]; then
      sort -n "$W/parts" | while read -r n e s; do printf '%s\n    {"number": %s, "etag": "%s", "size": %s}' "$sep" "$n" "$(js "$e")" "$s"; sep=','; done
    fi
    printf '\n  ],\n  "iomem_system_ram": ['
    sep=''
    awk -F' : ' '$0 !~ /^[ \t]/ && $2 == "System RAM" {print $1}' /proc/iomem 2>/dev/null | while read -r range; do
      printf '%s"%s"' "$sep" "$(js "$range")"; sep=', '
    done
    printf '],\n  "symbols": ['
    sep=''
    if [ -f "$W/symbols" ]; then
      while read -r k st sz sh src; do
        printf '%s\n    {"kind": "%s", "status": "%s", "bytes": %s, "sha256": "%s", "source": "%s"}' "$sep" "$(js "$k")" "$(js "$st")" "$sz" "$sh" "$(js "$src")"; sep=','
      done < "$W/symbols"
    fi
    printf '\n  ],\n  "utc_start": "%s",\n  "utc_end": "%s",\n' "$UTC_START" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '  "uptime": {"start": "%s", "module_loaded": "%s", "captured": "%s", "end": "%s"}\n}\n' "$T_START" "$T_LOADED" "$T_CAPTURED" "$(up)"
  } > "$r"
  http_put "$r" "$RESULT_URL" "$W/result.hdr"
}

cleanup() {
  rc=$?
  trap '' EXIT INT TERM HUP
  [ -n "$INSMOD_PID" ] && kill "$INSMOD_PID" 2>/dev/null
  [ -n "$HASH_PID" ] && kill "$HASH_PID" 2>/dev/null
  if [ -n "$AVML_PID" ]; then kill "$(cat "$W/avml.pid" 2>/dev/null)" 2>/dev/null; kill "$AVML_PID" 2>/dev/null; fi
  # (AVML loaded nothing: a lime module there is not this capture's)
  if [ "$USED" != avml ] && grep -q '^lime ' /proc/modules 2>/dev/null; then
    if rmmod lime 2>/dev/null; then RMMOD=unloaded; else RMMOD=failed; fi
  elif [ -n "$LOADED" ]; then
    RMMOD=unloaded
  fi
  [ "$RMMOD" = failed ] && { STATUS=failed; ERROR="${ERROR:+$ERROR; }could not unload the lime module"; }
  if ! write_result; then say "could not upload result.json" >&2; rc=1; fi
  [ -n "$W" ] && rm -rf "$W"
  say "status $STATUS, $BYTES bytes, module $RMMOD${USED:+, method $USED}"
  [ "$STATUS" = ok ] && exit 0
  exit $(( rc == 0 ? 1 : rc ))
}
trap cleanup EXIT
trap 'ERROR="${ERROR:-interrupted}"; exit 1' INT TERM HUP

# ---- preflight: tools, RAM-backed scratch folder, plan, kernel, lockdown, memory ----
if command -v curl >/dev/null 2>&1; then HTTP=curl
elif wget --help 2>&1 | grep -q -- '--body-file'; then HTTP=wget
else fail "needs curl or GNU wget"; fi
# A tmpfs that allows executing files first (AVML runs from it), else any.
for x in exec any; do
  for d in /dev/shm /run /tmp; do
    if awk -v d="$d" -v x="$x" '$2 == d && ($3 == "tmpfs" || $3 == "ramfs") && (x == "any" || $4 !~ /(^|,)noexec(,|$)/) {f=1} END {exit !f}' /proc/mounts; then
      W=$(mktemp -d "$d/custody-lime.XXXXXX") && break 2
    fi
  done
done
[ -n "$W" ] || fail "no tmpfs to hold parts in RAM (/dev/shm, /run, /tmp); refusing to write to disk"
[ "$(id -u)" = 0 ] || fail "must run as root"
http_get "$PLAN_URL" "$W/plan" || fail "could not fetch the capture plan"
[ "$(sha256sum "$W/plan" | cut -c1-64)" = "$PLAN_SHA256" ] || fail "the capture plan does not have the expected SHA-256"
head -n 1 "$W/plan" | grep -qx 'custody-lime-plan 1' || fail "unknown capture plan format"
PORT=$(awk '$1 == "port" {print $2; exit}' "$W/plan")
PART_SIZE=$(awk '$1 == "part_size" {print $2; exit}' "$W/plan")
case "$PORT" in ''|*[!0-9]*) fail "bad port in plan" ;; esac
case "$PART_SIZE" in ''|*[!0-9]*) fail "bad part size in plan" ;; esac
COMPRESS=$(awk '$1 == "compress" {print $2; exit}' "$W/plan")
case "${COMPRESS:=none}" in none) ;; gzip) command -v gzip >/dev/null 2>&1 || fail "missing tool: gzip" ;; *) fail "bad compression in plan" ;; esac
REL=$(uname -r)
case "$REL" in ''|*[!A-Za-z0-9._+-]*) fail "unexpected kernel release" ;; esac
METHOD=$(awk '$1 == "method" {print $2; exit}' "$W/plan")
case "${METHOD:=lime}" in lime|avml|auto) ;; *) fail "bad method in plan" ;; esac
set -- $(awk '$1 == "avml" {print $2, $3; exit}' "$W/plan")
[ $# -eq 2 ] && { AVML_PLAN_SHA=$1; AVML_URL=$2; }
case "$METHOD" in
  lime) USED=lime; WHY="method lime asked for" ;;
  avml) USED=avml; WHY="method avml asked for"; [ -n "$AVML_URL" ] || fail "method avml, but the plan has no AVML" ;;
  auto) USED=lime ;;
esac
# Why LiME cannot be used: method lime stops there, as it always did; auto goes on with AVML when
# the plan has it (no module is loaded at this point).
lime_refused() { # REASON
  [ "$METHOD" = lime ] && fail "$1"
  [ -n "$AVML_URL" ] || fail "$1; the module library has no AVML to fall back to"
  USED=avml
  WHY=$1
  say "LiME cannot be used ($1): capturing with AVML"
}
porthex=$(printf '%04X' "$PORT")
lime_preflight() {
  if [ -r /sys/kernel/security/lockdown ] && ! grep -q '\[none\]' /sys/kernel/security/lockdown; then
    lime_refused "kernel lockdown is on ($(cat /sys/kernel/security/lockdown)): unsigned modules cannot be loaded"; return
  fi
  if [ "$(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)" = Y ]; then
    lime_refused "module signature enforcement is on (Secure Boot or module.sig_enforce=1): LiME cannot be loaded"; return
  fi
  grep -q '^lime ' /proc/modules 2>/dev/null && { lime_refused "a lime module is already loaded"; return; }
  for t in insmod rmmod; do command -v "$t" >/dev/null 2>&1 || { lime_refused "missing tool: $t"; return; }; done
  grep -q ":$porthex 00000000:0000 0A" /proc/net/tcp 2>/dev/null && { lime_refused "port $PORT is already in use"; return; }
  if command -v bash >/dev/null 2>&1; then READER=bash
  elif command -v nc >/dev/null 2>&1; then READER=nc
  elif busybox nc 2>&1 | grep -q -i usage; then READER='busybox nc'
  else lime_refused "needs bash or nc to read the LiME stream"; return; fi
  # The stream's SHA-256: LiME's own digest (digest=sha256, computed in the kernel as the pages are sent
  # and served on the same port once the dump is done) when the kernel's crypto API has sha256; else
  # sha256sum on a copy of the stream (tee), which costs a second pass over every byte.
  if grep -qE '^name *: sha256$' /proc/crypto 2>/dev/null; then HASHER=lime-digest; else HASHER=sha256sum; fi
}
[ "$USED" = lime ] && lime_preflight
for t in sha256sum dd tee mkfifo awk head; do command -v "$t" >/dev/null 2>&1 || fail "missing tool: $t"; done
dd if=/dev/zero of=/dev/null bs=1 count=1 iflag=fullblock 2>/dev/null || fail "dd does not support iflag=fullblock"
avail=$(awk '$1 == "MemAvailable:" {print $2}' /proc/meminfo)
need=$(( (PART_SIZE * 2 + 67108864) / 1024 ))
[ "${avail:-0}" -ge "$need" ] || fail "not enough free memory: ${avail} kB available, ${need} kB needed for two parts"

# ---- module: the one built for exactly this kernel, checked by hash before insmod ----
STAGE=module
BUILT=no
# Only with --allow-build-on-host (a lime_source line in the plan): compile LiME here, in the RAM
# folder, against this host's own kernel headers, when the library has no module for this kernel.
# (Sets NO_BUILD, the reason, and returns 1 when it cannot: method auto may still use AVML.)
build_on_host() { # SHA URL
  kb="/lib/modules/$REL/build"
  [ -f "$kb/Makefile" ] || { NO_BUILD="no module for kernel $REL, and no kernel headers at $kb to build one on the host"; return 1; }
  command -v make >/dev/null 2>&1 && { command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; } \
    || { NO_BUILD="no module for kernel $REL, and no make and C compiler to build one on the host"; return 1; }
  http_get "$2" "$W/lime-source.tar.gz" || fail "could not fetch the LiME source"
  [ "$(sha256sum "$W/lime-source.tar.gz" | cut -c1-64)" = "$1" ] || fail "the LiME source does not have the expected SHA-256"
  mkdir "$W/src" && tar -xzf "$W/lime-source.tar.gz" -C "$W/src" || fail "could not unpack the LiME source"
  src=$(find "$W/src" -name main.c | head -n 1); src=${src%/main.c}
  [ -n "$src" ] || fail "the LiME source holds no main.c"
  STAGE=build
  TMPDIR="$W" make -C "$kb" M="$src" modules > "$W/build.log" 2>&1 \
    || { NO_BUILD="building LiME on the host failed: $(tail -n 3 "$W/build.log" | tr -d '\000-\037' | head -c 300)"; rm -rf "$W/src"; return 1; }
  cp "$src/lime.ko" "$W/lime.ko" || fail "the build made no lime.ko"
  rm -rf "$W/src"
  BUILT=yes
  MOD_SHA=$(sha256sum "$W/lime.ko" | cut -c1-64)
}
if [ "$USED" = lime ]; then
  set -- $(awk -v r="$REL" '$1 == "module" && $2 == r {print $3, $4; exit}' "$W/plan")
  if [ $# -eq 2 ]; then
    http_get "$2" "$W/lime.ko" || fail "could not fetch the LiME module for $REL"
    MOD_SHA=$(sha256sum "$W/lime.ko" | cut -c1-64)
    [ "$MOD_SHA" = "$1" ] || fail "the LiME module does not have the expected SHA-256"
  else
    set -- $(awk '$1 == "lime_source" {print $2, $3; exit}' "$W/plan")
    if [ $# -ne 2 ]; then
      lime_refused "no LiME module for kernel $REL in the module library"
    elif ! build_on_host "$1" "$2"; then
      lime_refused "$NO_BUILD"
    fi
  fi
fi

# ---- capture: LiME serves the dump on loopback; it is cut into parts in RAM and uploaded ----
STAGE=capture
start_lime() {
  # timeout=0: a blocked socket (a part being uploaded) must not make LiME zero-fill the rest of a range.
  DIGEST_ARG=''
  [ "$HASHER" = lime-digest ] && DIGEST_ARG=digest=sha256
  insmod "$W/lime.ko" "path=tcp:$PORT" localhostonly=1 format=lime timeout=0 $DIGEST_ARG 2>"$W/insmod.err" &
  INSMOD_PID=$!
  i=0
  until grep -q ":$porthex 00000000:0000 0A" /proc/net/tcp 2>/dev/null; do
    if ! kill -0 "$INSMOD_PID" 2>/dev/null; then
      wait "$INSMOD_PID"; INSMOD_RC=$?; INSMOD_PID=''
      lime_refused "insmod failed: $(tr -d '\000-\037' < "$W/insmod.err" | head -c 300)"
      return
    fi
    i=$((i + 1)); [ "$i" -gt 600 ] && fail "LiME did not listen on 127.0.0.1:$PORT"
    pause
  done
  LOADED=yes
  T_LOADED=$(up)
  [ "$METHOD" = auto ] && WHY="the module library has LiME for kernel $REL$([ "$BUILT" = yes ] && echo ' (compiled on the host)'), and the kernel loaded it"
  say "LiME listening on 127.0.0.1:$PORT, kernel $REL"
}
[ "$USED" = lime ] && start_lime

read_stream() {
  case "$READER" in
    bash) bash -c 'exec cat < "/dev/tcp/127.0.0.1/$1"' sh "$PORT" ;;
    nc) nc 127.0.0.1 "$PORT" < /dev/null ;;
    *) busybox nc 127.0.0.1 "$PORT" < /dev/null ;;
  esac
}

put_part() { # NUMBER SIZE URL
  t=0
  while [ "$t" -lt 3 ]; do
    t=$((t + 1))
    if http_put "$W/part.$1" "$3" "$W/part.$1.hdr"; then
      e=$(etag_of "$W/part.$1.hdr")
      if [ -n "$e" ]; then echo "$1 $e $2" >> "$W/parts"; rm -f "$W/part.$1" "$W/part.$1.hdr"; return 0; fi
    fi
    sleep "$t"
  done
  echo "part $1 could not be uploaded" > "$W/upload.err"
  return 1
}

# Reads stdin in parts of PART_SIZE into RAM; at most two parts exist at once (one uploading).
# The part URLs are read in order with the shell's own read: no process per part for that.
# dd moves 1 MiB blocks when the part size allows: one part-sized buffer per part costs a page
# fault per page on every part.
upload_parts() {
  n=0
  pid=''
  bs=$PART_SIZE
  count=1
  if [ $((PART_SIZE % 1048576)) -eq 0 ]; then bs=1048576; count=$((PART_SIZE / 1048576)); fi
  exec 4< "$W/part-urls"
  while :; do
    n=$((n + 1))
    dd of="$W/part.$n" bs="$bs" count="$count" iflag=fullblock 2>/dev/null || { echo "reading the stream failed" > "$W/upload.err"; return 1; }
    sz=$(wc -c < "$W/part.$n")
    if [ "$sz" -eq 0 ]; then rm -f "$W/part.$n"; break; fi
    url=''
    read -r kw pn url <&4 || url=''
    [ -n "$url" ] && [ "$kw" = part ] && [ "$pn" = "$n" ] || { echo "the stream is larger than the plan's parts (part $n)" > "$W/upload.err"; return 1; }
    if [ -n "$pid" ]; then wait "$pid" || return 1; fi
    put_part "$n" "$sz" "$url" &
    pid=$!
    [ "$sz" -lt "$PART_SIZE" ] && break
  done
  if [ -n "$pid" ]; then wait "$pid" || return 1; fi
  return 0
}

# LiME's digest: once the dump is sent, LiME listens on the port again and sends the hex SHA-256.
# (Read again if a connection gave nothing: it may have met the dump's listener going away.)
read_digest() {
  i=0
  while kill -0 "$INSMOD_PID" 2>/dev/null; do
    if grep -q ":$porthex 00000000:0000 0A" /proc/net/tcp 2>/dev/null; then
      read_stream | head -c 128 > "$W/sha256"
      [ "$(wc -c < "$W/sha256")" -ge 64 ] && return 0
    fi
    i=$((i + 1)); [ "$i" -gt 300 ] && break
    pause
  done
  [ -f "$W/sha256" ] && [ "$(wc -c < "$W/sha256")" -ge 64 ]
}

# The parts: slices of one gzip stream with compression, of the raw LiME stream without.
compress_and_upload() {
  if [ "$COMPRESS" = gzip ]; then gzip -1 -c | upload_parts; else upload_parts; fi
}

# AVML: fetched into the RAM folder, checked by hash, run from there. It writes LiME format (not its
# snappy-compressed format) into a FIFO, whose reader hashes a copy with sha256sum (tee) and uploads
# the parts as with LiME. The memory source is chosen here, so AVML never tries a second one on a
# stream already half sent: /proc/kcore (closed only by lockdown=confidentiality), else /dev/crash,
# else /dev/mem (CONFIG_STRICT_DEVMEM keeps it to the first MiB: AVML then fails, saying so).
capture_avml() {
  STAGE=avml
  HASHER=sha256sum
  http_get "$AVML_URL" "$W/avml" || fail "could not fetch AVML"
  AVML_SHA=$(sha256sum "$W/avml" | cut -c1-64)
  [ "$AVML_SHA" = "$AVML_PLAN_SHA" ] || fail "AVML does not have the expected SHA-256"
  chmod 700 "$W/avml" || fail "could not make AVML executable"
  "$W/avml" --version > "$W/avml.err" 2>&1 \
    || fail "AVML does not run here (a tmpfs mounted noexec?): $(tr -d '\000-\037' < "$W/avml.err" | head -c 300)"
  if [ "$(ls -ln /proc/kcore 2>/dev/null | awk '{print $5}')" -gt 8192 ] 2>/dev/null && head -c 1 /proc/kcore > /dev/null 2>&1; then
    AVML_SRC=/proc/kcore
  elif [ -c /dev/crash ]; then AVML_SRC=/dev/crash
  elif [ -c /dev/mem ]; then AVML_SRC=/dev/mem
  else fail "no memory source for AVML: /proc/kcore is closed or absent (lockdown=confidentiality?), no /dev/crash, no /dev/mem"; fi
  STAGE=capture
  mkfifo "$W/avml.fifo" "$W/hash.fifo" || fail "mkfifo failed"
  sha256sum < "$W/hash.fifo" > "$W/sha256" &
  HASH_PID=$!
  T_LOADED=$(up)
  say "AVML reading $AVML_SRC, kernel $REL"
  # An AVML that stops before opening the FIFO would leave its reader waiting in open(): once AVML
  # has ended, opening the FIFO read-write (which does not wait, on Linux) and closing it again
  # lets the reader see the end of the stream.
  ( "$W/avml" acquire --source "$AVML_SRC" "$W/avml.fifo" 2> "$W/avml.err" &
    echo $! > "$W/avml.pid"
    wait $!
    echo $? > "$W/avml.rc"
    while [ ! -f "$W/read.done" ]; do : <> "$W/avml.fifo"; pause; done ) &
  AVML_PID=$!
  tee "$W/hash.fifo" < "$W/avml.fifo" | compress_and_upload
  up_rc=$?
  : > "$W/read.done"
  wait "$AVML_PID"
  AVML_PID=''
  wait "$HASH_PID"
  HASH_PID=''
  T_CAPTURED=$(up)
  [ "$up_rc" -eq 0 ] || fail "$(cat "$W/upload.err" 2>/dev/null || echo upload failed)"
  [ "$(cat "$W/avml.rc" 2>/dev/null)" = 0 ] \
    || fail "AVML failed (exit $(cat "$W/avml.rc" 2>/dev/null)): $(tr -d '\000-\037' < "$W/avml.err" | tail -c 300)"
}

grep '^part ' "$W/plan" > "$W/part-urls"
if [ "$USED" = avml ]; then
  capture_avml
else
  # The hash is over the raw LiME stream.
  if [ "$HASHER" = lime-digest ]; then
    read_stream | compress_and_upload
    up_rc=$?
    read_digest || echo "LiME served no SHA-256 digest" > "$W/digest.err"
  else
    mkfifo "$W/hash.fifo"
    sha256sum < "$W/hash.fifo" > "$W/sha256" &
    HASH_PID=$!
    read_stream | tee "$W/hash.fifo" | compress_and_upload
    up_rc=$?
  fi
  wait "$INSMOD_PID"
  INSMOD_RC=$?
  INSMOD_PID=''
  [ -n "$HASH_PID" ] && wait "$HASH_PID"
  HASH_PID=''
  T_CAPTURED=$(up)
  [ "$up_rc" -eq 0 ] || fail "$(cat "$W/upload.err" 2>/dev/null || echo upload failed)"
  [ "$INSMOD_RC" -eq 0 ] || fail "LiME failed: $(tr -d '\000-\037' < "$W/insmod.err" | head -c 300)"
  [ -f "$W/digest.err" ] && fail "$(cat "$W/digest.err")"
fi
BYTES=$(awk '{s += $3} END {printf "%d", s}' "$W/parts")
SHA=$(cut -c1-64 "$W/sha256")
case "$SHA" in *[!0-9a-f]*|'') fail "the stream's SHA-256 is missing or malformed" ;; esac
[ "${#SHA}" -eq 64 ] || fail "the stream's SHA-256 is missing or malformed"
[ "$BYTES" -gt 0 ] || fail "$USED sent no data"
say "captured $BYTES bytes in $(wc -l < "$W/parts") parts, sha256 $SHA"

# ---- symbols: what Volatility needs to read this kernel's memory, sent after the capture ----
# The kernel's own type information (BTF), its symbol map (System.map when /boot holds a real one,
# else /proc/kallsyms, whose addresses this boot's KASLR moved) and its banner. Each is copied into
# the RAM folder (sysfs and procfs files have no length for an upload) and PUT to its presigned URL.
# Not being able to send one does not fail the capture: the workstation says what is missing.
STAGE=symbols
send_symbol() { # KIND FILE
  url=$(awk -v k="$1" '$1 == "symbols" && $2 == k {print $3; exit}' "$W/plan")
  [ -n "$url" ] || return 0
  if [ ! -r "$2" ]; then echo "$1 missing 0 - $2" >> "$W/symbols"; return 0; fi
  if ! cat "$2" > "$W/sym.$1" 2>/dev/null; then echo "$1 unreadable 0 - $2" >> "$W/symbols"; rm -f "$W/sym.$1"; return 0; fi
  sz=$(wc -c < "$W/sym.$1")
  sh=$(sha256sum "$W/sym.$1" | cut -c1-64)
  st=failed
  t=0
  while [ "$t" -lt 3 ]; do
    t=$((t + 1))
    if http_put "$W/sym.$1" "$url" "$W/sym.$1.hdr"; then st=sent; break; fi
    sleep "$t"
  done
  echo "$1 $st $sz $sh $2" >> "$W/symbols"
  rm -f "$W/sym.$1" "$W/sym.$1.hdr"
}
send_symbol btf /sys/kernel/btf/vmlinux
if grep -q ' [Tt] _text$' "/boot/System.map-$REL" 2>/dev/null; then
  send_symbol system-map "/boot/System.map-$REL"
else
  send_symbol kallsyms /proc/kallsyms
fi
send_symbol version /proc/version
STAGE=done
STATUS=ok
