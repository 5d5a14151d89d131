#!/usr/bin/env bash
# Runs the tests tagged "gpu" on a GPU machine that has the CUDA driver but no JDK and no network.
# Two steps:
#
#   1. Here (JDK 25, Maven, network):   scripts/gpu-check.sh bundle
#      Builds the bundle directory (.gpu-bundle/, or $GPU_BUNDLE): a jlink'ed JDK 25 runtime, the
#      compiled classes and tests of the modules that have GPU tests, their class path jars and the
#      JUnit console launcher. Prints its size: it must stay under ~60 MiB to travel.
#
#   2. On the GPU machine, from the repository root, with the bundle carried along:
#                                        scripts/gpu-check.sh run
#      Prints nvidia-smi, then runs the "gpu" tests with the bundled java. Exits non-zero when a test
#      fails, and also when a GPU is present yet some gpu test was skipped: there a skip means the
#      setup is broken, and must not pass for a green run.
#
# The bundle is a build output (ignored by git); rebuild it after changing code or tests.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUNDLE="${GPU_BUNDLE:-$ROOT/.gpu-bundle}"
# Modules whose tests carry @Tag("gpu").
GPU_MODULES=(cuda)
# The runtime's modules. JCuda needs java.base and java.logging (jdeps); the engine and Vector API
# kernels need jdk.incubator.vector; java.management and jdk.unsupported are cheap and commonly
# reached for. Left out on purpose: java.desktop (JCuda does not use it), java.naming (no JNDI on
# this class path) and java.xml (4 MiB; only JUnit's XML reports would use it: we print a tree).
JDK_MODULES=java.base,java.logging,java.management,jdk.incubator.vector,jdk.unsupported
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.9.0
# JUnit's engines and platform travel inside the console launcher, so the class path leaves them out.
JUNIT_GROUPS=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian
LAUNCHER=junit-platform-console-standalone.jar
# What may be carried to the GPU machine beside the working tree (64 MiB), less some room.
MAX_BUNDLE_MIB=60

die() { echo "gpu-check: $*" >&2; exit 1; }

# A property of the parent pom (one place for versions and JVM flags).
pom_property() {
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -1
}

bundle() {
  source "$ROOT/scripts/lib/jdk.sh"
  jmoe_require_jdk
  local junit platform modules m
  junit="$(pom_property junit.version)"
  [[ "$junit" == 5.* ]] || die "cannot read junit.version (5.x) from pom.xml: got '$junit'"
  platform="1.${junit#5.}" # JUnit 5.x.y ships with platform 1.x.y
  modules="$(IFS=,; echo "${GPU_MODULES[*]}")"

  rm -rf "$BUNDLE"
  mkdir -p "$BUNDLE/lib"
  echo "gpu-check: building $modules and its test class path"
  (cd "$ROOT" && mvn -B -q -ntp -Dstyle.color=never -pl "$modules" -am -DskipTests package \
      "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=test -DexcludeGroupIds="$JUNIT_GROUPS" \
      -DoutputDirectory="$BUNDLE/lib")
  (cd "$ROOT" && mvn -B -q -ntp -Dstyle.color=never "$DEPENDENCY_PLUGIN:copy" \
      -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
      -DoutputDirectory="$BUNDLE" -Dmdep.stripVersion=true)
  [[ -f "$BUNDLE/$LAUNCHER" ]] || die "JUnit console launcher $platform was not copied"
  for m in "${GPU_MODULES[@]}"; do
    mkdir -p "$BUNDLE/classes/$m" "$BUNDLE/test-classes/$m"
    cp -r "$ROOT/$m/target/classes/." "$BUNDLE/classes/$m/"
    cp -r "$ROOT/$m/target/test-classes/." "$BUNDLE/test-classes/$m/"
  done
  drop_unused_natives

  echo "gpu-check: linking a JDK runtime ($JDK_MODULES)"
  "$JAVA_HOME/bin/jlink" --add-modules "$JDK_MODULES" --strip-debug --no-header-files --no-man-pages \
      --compress zip-6 --output "$BUNDLE/jdk" 2> >(grep -v 'Using incubator modules' >&2)
  pom_property jmoe.jvm.flags > "$BUNDLE/jvm-flags"
  {
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "jdk: $("$BUNDLE/jdk/bin/java" -version 2>&1 | head -1) modules $JDK_MODULES"
    echo "junit console: $platform"
  } > "$BUNDLE/BUILD"
  report_size
}

# jcuda-natives carries the bindings of NVRTC and of the PTX compiler library (23 MiB of its 26).
# jmoe compiles no CUDA C at run time and lets the driver JIT its PTX, so those two stay behind.
drop_unused_natives() {
  local jar
  jar="$(ls "$BUNDLE"/lib/jcuda-natives-*.jar 2>/dev/null | head -1)"
  [[ -n "$jar" ]] || return 0
  if command -v zip > /dev/null; then
    zip -q -d "$jar" 'lib/libJNvPTXCompiler-*' 'lib/libJNvrtc-*'
  else
    echo "gpu-check: zip not found: keeping the full $(basename "$jar") (bundle ~9 MiB bigger)" >&2
  fi
}

report_size() {
  local part
  echo "gpu-check: bundle $BUNDLE"
  for part in jdk lib classes test-classes "$LAUNCHER" .; do
    du -sb "$BUNDLE/$part" | awk -v name="${part/#./total}" '{printf "  %-40s %6.1f MiB\n", name, $1 / 1048576}'
  done
  if (( $(du -sb "$BUNDLE" | cut -f1) > MAX_BUNDLE_MIB * 1048576 )); then
    echo "gpu-check: WARNING: the bundle exceeds $MAX_BUNDLE_MIB MiB and may not travel to the GPU machine" >&2
  fi
}

run() {
  [[ -x "$BUNDLE/jdk/bin/java" ]] || die "no bundle at $BUNDLE: run 'scripts/gpu-check.sh bundle' on a machine with JDK 25 and Maven first"
  local gpus=0 classpath testdata m status skipped
  echo "== nvidia-smi"
  if command -v nvidia-smi > /dev/null && nvidia-smi; then
    gpus="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true)"
  else
    echo "(nvidia-smi not found, or it failed)"
  fi
  echo "== bundle"
  cat "$BUNDLE/BUILD"

  classpath="$(ls "$BUNDLE"/lib/*.jar | tr '\n' ':')"
  for m in "${GPU_MODULES[@]}"; do
    classpath+="$BUNDLE/classes/$m:$BUNDLE/test-classes/$m:"
  done
  testdata="${JMOE_TESTDATA:-}"
  if [[ -z "$testdata" ]]; then
    testdata="$ROOT/../shared/testdata"
    [[ -d "$ROOT/shared/testdata" ]] && testdata="$ROOT/shared/testdata"
  fi

  echo "== gpu tests"
  RUN_LOG="$(mktemp)"
  trap 'rm -f "$RUN_LOG"' EXIT
  set +e
  # jvm-flags holds several words: split on purpose.
  # shellcheck disable=SC2046
  "$BUNDLE/jdk/bin/java" $(cat "$BUNDLE/jvm-flags") -Xss2m -Djmoe.testdata="$testdata" \
      -jar "$BUNDLE/$LAUNCHER" execute --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests \
      --class-path "${classpath%:}" \
      $(for m in "${GPU_MODULES[@]}"; do echo "--scan-class-path=$BUNDLE/test-classes/$m"; done) \
      --include-tag gpu 2>&1 | tee "$RUN_LOG"
  status=${PIPESTATUS[0]}
  set -e

  # JUnit counts a failed assumption as "aborted", a disabled test as "skipped": either is a skip here.
  skipped="$(grep -oE '[0-9]+ (tests|containers) (skipped|aborted)' "$RUN_LOG" | awk '{n += $1} END {print n + 0}')"
  if [[ $status -eq 0 && "$gpus" -gt 0 && "${skipped:-0}" -gt 0 ]]; then
    echo "gpu-check: $gpus GPU(s) present but $skipped gpu test(s) skipped: treating as a failure" >&2
    status=3
  fi
  echo "gpu-check: exit $status"
  return "$status"
}

case "${1:-}" in
  bundle) bundle ;;
  run)    run ;;
  *)      echo "usage: scripts/gpu-check.sh bundle|run   (see the top of this script)" >&2; exit 2 ;;
esac
