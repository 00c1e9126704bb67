# Sourced by scripts/test: the web frontend's browser tests (WebE2ETest) drive Debian's
# Chromium through its ChromeDriver, from the machine's packages (never downloaded by a
# test). chat_ensure_browser installs them when missing and this is root on Debian (as in
# CI), and otherwise stops with a sentence saying what to install.
chat_ensure_browser() {
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test: installing chromium and chromium-driver (the browser tests need them)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
        return 0
    fi
    echo "scripts/test: the browser tests need /usr/bin/chromium and /usr/bin/chromedriver;" \
        "install them first (Debian: sudo apt-get install chromium chromium-driver)" >&2
    exit 1
}
