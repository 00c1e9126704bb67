# Sourced by the scripts/bench presets that drive json clients of dist/chat (bot.sh,
# catchup.sh): bench_server WORK USER_LINES generates a deployment from user:password lines
# into WORK/keys and starts a server of the image with --max-rate 0 on a free port; it sets
# server_pid and port, and a trap that stops the server when the script exits.
bench_server() {
    local work="$1" users="$2"
    trap 'kill "${server_pid:-}" 2>/dev/null || true' EXIT
    printf '%s' "$users" | "$chat" generate --dir "$work/keys" --users-file - >/dev/null 2>&1
    "$chat" server --dir "$work/keys/server" --listen 127.0.0.1:0 --data "$work/data" --max-rate 0 \
        >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
        port=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\).*/\1/p' "$work/server.log" | head -1)
        [ -n "$port" ] && break
        sleep 0.1
    done
}
