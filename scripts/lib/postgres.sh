# Sourced by scripts/test: the PostgreSQL store's tests (chat.e2e.store, MultiServerE2ETest,
# the kill loop on PostgreSQL) start a throwaway cluster (scripts/pg-cluster) from the
# machine's PostgreSQL 15 packages. chat_ensure_postgres installs them when missing and this
# is root on Debian (as in CI); otherwise those tests are skipped with the reason printed,
# unless CHAT_REQUIRE_POSTGRES=1 (set by .ci/run), which makes a missing PostgreSQL a failure.
chat_ensure_postgres() {
    local bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
    if [ -x "$bin/initdb" ]; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test: installing postgresql (the tests of several servers on one database need it)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        return 0
    fi
    if [ "${CHAT_REQUIRE_POSTGRES:-0}" = 1 ]; then
        echo "scripts/test: PostgreSQL 15 is required (CHAT_REQUIRE_POSTGRES=1) and missing;" \
            "install it first (Debian: sudo apt-get install postgresql)" >&2
        exit 1
    fi
    echo "scripts/test: no PostgreSQL 15 at $bin: the PostgreSQL store's tests will be skipped" \
        "(Debian: sudo apt-get install postgresql)" >&2
}
