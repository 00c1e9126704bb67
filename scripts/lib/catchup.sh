#!/usr/bin/env bash
# scripts/bench catchup [N]: a channel of N messages through the image dist/chat, then
#  - bob's first login on a new device (empty state/): the catch-up, timed to exit;
#  - bob's restart with those N entries stored, and with none (a fresh bundle), timed to exit;
#  - N Ed25519 verifications on all cores (scripts/lib/VerifyCost.java), the floor.
# Each client runs the json frontend, logs in, gets "ready" (the replay is applied) and quits.
# CATCHUP_JFR=FILE runs bob's catch-up client from launcher/target/modules on this JDK with a
# flight recording into FILE (the image has no jdk.jfr). CATCHUP_JAVA_OPTS (e.g. -Xmx256m) is
# given to the measured clients (bob's and bob2's) only, not to alice's fill.
set -euo pipefail
n="${1:-10000}"
root=$(cd "$(dirname "$0")/../.." && pwd -P)
chat="$root/dist/chat/bin/chat"
work=$(mktemp -d /tmp/chat-catchup.XXXXXX)
. "$root/scripts/lib/bench-server.sh"
bench_server "$work" $'alice:pass-alice\nbob:pass-bob\nbob2:pass-bob2\n'
server="127.0.0.1:$port"
prefix=()
client() { # user password json-lines-file [jfr]
    local cmd=("$chat")
    if [ "${4:-}" = jfr ] && [ -n "${CATCHUP_JFR:-}" ]; then
        cmd=("$JAVA_HOME/bin/java" "-XX:StartFlightRecording=filename=$CATCHUP_JFR,settings=profile"
            -p "$root/launcher/target/modules:$(ls "$root"/launcher/target/chat.launcher-*.jar)"
            -m chat.launcher/chat.launcher.Main)
    fi
    CHAT_PASSWORD="$2" "${prefix[@]}" "${cmd[@]}" client --dir "$work/keys/users/$1" --server "$server" --frontend json <"$3"
}
ms() { date +%s%3N; }

# alice fills #big (bob is a member); bob2 gets an empty #small for the baseline
{
    echo '{"cmd":"create","channel":"big","id":"c"}'
    echo '{"cmd":"invite","channel":"big","user":"bob","id":"i"}'
    echo '{"cmd":"create","channel":"small","id":"c2"}'
    echo '{"cmd":"invite","channel":"small","user":"bob2","id":"i2"}'
    for i in $(seq 1 "$n"); do
        printf '{"cmd":"send","channel":"big","text":"message %d of the catch-up benchmark, about a hundred bytes of text to be realistic"}\n' "$i"
    done
    echo '{"cmd":"quit"}'
} >"$work/fill.jsonl"
echo '{"cmd":"quit"}' >"$work/quit.jsonl"
t0=$(ms)
client alice pass-alice "$work/fill.jsonl" >"$work/alice.out"
echo "fill: $n messages in $(( $(ms) - t0 )) ms"

# the client's CPU time (user + system, all its threads) and peak RSS, where GNU time exists
timed=()
if [ -x /usr/bin/time ]; then
    timed=(/usr/bin/time -f '%U %S %M' -o "$work/time")
fi
measure() { # label user password [jfr]
    local t0 t1 cpu=""
    t0=$(ms)
    rm -f "$work/time"
    prefix=("${timed[@]}")
    CHAT_JAVA_OPTS="${CATCHUP_JAVA_OPTS:-${CHAT_JAVA_OPTS:-}}" client "$2" "$3" "$work/quit.jsonl" "${4:-}" >"$work/$2.out"
    t1=$(ms)
    prefix=()
    if [ -s "$work/time" ]; then
        cpu=$(awk '{ printf ", client CPU %.1f s, max RSS %d MB", $1 + $2, $3 / 1024 }' "$work/time")
    fi
    printf '%-44s %6d ms  (%s history lines%s)\n' "$1" $((t1 - t0)) "$(grep -c '"event":"message"' "$work/$2.out" || true)" "$cpu"
}
measure "bob2: first login, empty channel" bob2 pass-bob2
measure "bob2: restart, nothing stored" bob2 pass-bob2
measure "bob: first login, catch-up of $n messages" bob pass-bob jfr
measure "bob: restart, $n entries stored" bob pass-bob
measure "bob: restart again" bob pass-bob
du -sh "$work/keys/users/bob/state" | sed 's/^/bob state: /'
"$JAVA_HOME/bin/java" -p "$root/launcher/target/modules" --add-modules chat.crypto "$root/scripts/lib/VerifyCost.java" "$n"
echo "work folder: $work"
