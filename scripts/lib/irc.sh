#!/usr/bin/env bash
# scripts/bench irc [IrcBench options]: the load generator's workload against ngIRCd, a plain
# IRC relay in C (no cryptography, nothing written to disk), for the side-by-side table in
# docs/performance.md. Starts ngIRCd from the machine's packages (/usr/sbin/ngircd; Debian:
# apt-get install ngircd) on a free loopback port with flood control off (MaxPenaltyTime = 0)
# and no DNS or ident lookups, runs scripts/lib/IrcBench.java against it, and stops it.
# Defaults: 100 clients, 10 channels x 10 members, window 8, 100-character messages, 5 s + 20 s.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd -P)
ngircd=${NGIRCD:-/usr/sbin/ngircd}
[ -x "$ngircd" ] || { echo "bench irc: $ngircd is missing: apt-get install ngircd (or NGIRCD=PATH)" >&2; exit 1; }
work=$(mktemp -d /tmp/chat-irc.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/ngircd.conf" <<CONF
[Global]
Name = bench.irc
Info = chat's side-by-side benchmark
Listen = 127.0.0.1
Ports = $port
PidFile = $work/ngircd.pid
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxPenaltyTime = 0
PingTimeout = 600
PongTimeout = 600
[Options]
DNS = no
Ident = no
PAM = no
CONF
"$ngircd" --nodaemon --config "$work/ngircd.conf" >"$work/ngircd.log" 2>&1 &
relay=$!
trap 'kill "$relay" 2>/dev/null; wait "$relay" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
"$ngircd" --version | head -1
uptime
"$JAVA_HOME/bin/java" "$root/scripts/lib/IrcBench.java" --port "$port" --pid "$relay" "$@"
