# Sourced by the build scripts: sets JAVA_HOME to a JDK >= 21 that has javac and jlink,
# or stops with a message naming what is needed. Order: $JAVA_HOME if suitable, then the
# usual install folders, newest version first.

chat_jdk_major() {
    # prints the feature version of the JDK in $1, or nothing
    local release="$1/release" v
    if [ -f "$release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
    fi
    if [ -z "${v:-}" ] && [ -x "$1/bin/java" ]; then
        v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    fi
    printf '%s' "${v:-}"
}

chat_jdk_suitable() {
    local home="$1" major
    [ -x "$home/bin/javac" ] && [ -x "$home/bin/jlink" ] || return 1
    major=$(chat_jdk_major "$home")
    [ -n "$major" ] && [ "$major" -ge 21 ]
}

chat_find_jdk() {
    if [ -n "${JAVA_HOME:-}" ] && chat_jdk_suitable "$JAVA_HOME"; then
        return 0
    fi
    local best="" best_major=0 home major
    for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /usr/local/jdk* \
                "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
                /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$home" ] || continue
        chat_jdk_suitable "$home" || continue
        major=$(chat_jdk_major "$home")
        if [ "$major" -gt "$best_major" ]; then
            best="$home"
            best_major="$major"
        fi
    done
    if [ -z "$best" ]; then
        echo "error: no JDK 21 or newer with javac and jlink found." >&2
        echo "       JAVA_HOME=${JAVA_HOME:-<unset>} is not one; also looked in /usr/lib/jvm, /opt/java, ~/.sdkman." >&2
        echo "       Install a JDK >= 21 (we build with 25) and set JAVA_HOME to it." >&2
        return 1
    fi
    if [ -n "${JAVA_HOME:-}" ]; then
        echo "note: JAVA_HOME=$JAVA_HOME is not a JDK >= 21 with jlink; using $best" >&2
    fi
    export JAVA_HOME="$best"
}
