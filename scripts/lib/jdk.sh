# Sourced by the scripts: finds a JDK of at least $JMOE_JDK_NEED (25) and prints its home.
# Order: $JAVA_HOME, then the system's JVM directory (/usr/lib/jvm). Prints nothing if none fits.
JMOE_JDK_NEED=25

jmoe_jdk_version() {
  [[ -x "$1/bin/java" && -x "$1/bin/javac" ]] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true
}

jmoe_find_jdk() {
  local candidate v
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    v="$(jmoe_jdk_version "$candidate")"
    if [[ -n "$v" && "$v" -ge $JMOE_JDK_NEED ]]; then echo "$candidate"; return; fi
  done
}

# Exports JAVA_HOME as a JDK 25 or exits with one error line.
jmoe_require_jdk() {
  local jdk
  jdk="$(jmoe_find_jdk)"
  if [[ -z "$jdk" ]]; then
    echo "jmoe: no JDK $JMOE_JDK_NEED or newer found (JAVA_HOME=${JAVA_HOME:-unset}, none in /usr/lib/jvm); install Temurin $JMOE_JDK_NEED and set JAVA_HOME" >&2
    exit 1
  fi
  export JAVA_HOME="$jdk"
}
