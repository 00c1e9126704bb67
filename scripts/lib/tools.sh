# Sourced by scripts/test: command-line tools the end-to-end tests run, from the machine's
# packages: tmux (the terminal client in a real terminal) and jq (the documents' echo bot,
# run by DocCommandsE2ETest). chat_ensure_tools installs the missing ones when this is root
# on Debian (as in CI), and otherwise stops with a sentence saying what to install.
chat_ensure_tools() {
    local missing=()
    for tool in tmux jq; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test: installing ${missing[*]} (the end-to-end tests run them)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        return 0
    fi
    echo "scripts/test: the end-to-end tests need ${missing[*]}; install them first" \
        "(Debian: sudo apt-get install ${missing[*]})" >&2
    exit 1
}
