#!/usr/bin/env bash
# scripts/bench bot [N]: one json client of the image dist/chat as a bot, sending N messages
# (default 20,000) without waiting, timed from the first send to the last "ok"
# (scripts/lib/BotBench.java), against a server of the same image with --max-rate 0.
# BOT_JFR=FILE runs the client from launcher/target/modules on this JDK with a flight
# recording into FILE instead (the image has no jdk.jfr).
set -euo pipefail
n="${1:-20000}"
root=$(cd "$(dirname "$0")/../.." && pwd -P)
chat="$root/dist/chat/bin/chat"
work=$(mktemp -d /tmp/chat-bot.XXXXXX)
. "$root/scripts/lib/bench-server.sh"
bench_server "$work" $'alice:pass-alice\n'
client=("$chat")
if [ -n "${BOT_JFR:-}" ]; then
    client=("$JAVA_HOME/bin/java" "-XX:StartFlightRecording=filename=$BOT_JFR,settings=profile"
        -p "$root/launcher/target/modules:$(ls "$root"/launcher/target/chat.launcher-*.jar)"
        -m chat.launcher/chat.launcher.Main)
fi
uptime
CHAT_PASSWORD=pass-alice "$JAVA_HOME/bin/java" "$root/scripts/lib/BotBench.java" "$n" \
    "${client[@]}" client --dir "$work/keys/users/alice" --server "127.0.0.1:$port" --frontend json
du -sh "$work/keys/users/alice/state" | sed 's/^/alice state: /'
echo "work folder: $work"
