#!/usr/bin/env bash
# Runs the tests tagged "gpu" on a GPU machine that has the CUDA driver but no JDK and no network.
# Two steps:
#
#   1. Here (JDK 25, Maven, network):   scripts/gpu-check.sh bundle
#      Builds the bundle directory (.gpu-bundle/, or $GPU_BUNDLE): a jlink'ed JDK 25 runtime, the
#      compiled classes and tests of the modules that have GPU tests, their class path jars, the
#      JUnit console launcher and the test models the GPU tests and commands use (GPU_MODELS, with
#      their golden files), then packs it into .gpu-bundle.tar.xz: the one file to carry. Prints the
#      sizes: what travels (this file and the working tree) must stay under 64 MiB.
#
#   2. On the GPU machine, from the repository root, with .gpu-bundle.tar.xz carried along:
#                                        scripts/gpu-check.sh run
#      (it unpacks the file into $GPU_UNPACK, default /tmp, when no unpacked bundle is there)
#      Prints nvidia-smi, then runs the "gpu" tests with the bundled java. Exits non-zero when a test
#      fails, and also when a GPU is present yet some gpu test was skipped: there a skip means the
#      setup is broken, and must not pass for a green run. Then runs the jmoe commands whose figures
#      the issue notes record: topo, pcie, run with -ngl 0 and -ngl all (the texts must agree), bench
#      with -ngl 0,all, with the PTX GEMM forced, and with host experts staged per pin mode. Everything printed also goes to the report file
#      ($GPU_REPORT, default gpu-report.txt in the repository root; on the device tool, point it
#      into $OUT). "run tests" or "run commands" runs one half.
#
# The bundle is a build output (ignored by git); rebuild it after changing code or tests.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUNDLE="${GPU_BUNDLE:-$ROOT/.gpu-bundle}"
# Modules whose tests carry @Tag("gpu"), and the module of the jmoe command.
GPU_MODULES=(cuda)
APP_MODULE=cli
APP_MAIN=dev.jmoe.cli.Main
# The test models the GPU tests and the command checks read (testdata models/ and golden/), kept few: the
# tree, the runtime and these together must fit the 64 MiB that travels to a GPU machine.
GPU_MODELS=(mixtral-a-f32 qwen3moe-a-q4_k_m ds2-a-q4_k_m)
# The test model of the command checks, under the testdata's models/.
APP_MODEL=qwen3moe-a-q4_k_m.gguf
# The runtime's modules. JCuda needs java.base and java.logging (jdeps); the engine and Vector API
# kernels need jdk.incubator.vector; java.management and jdk.unsupported are cheap and commonly
# reached for; java.xml (5 MiB) and java.naming because logback reads the command's logging
# configuration as XML and links JNDI while doing so. Left out on purpose: java.desktop (only
# bench --plot's charts use it).
JDK_MODULES=java.base,java.logging,java.management,jdk.incubator.vector,jdk.unsupported,java.xml,java.naming
# Jars the GPU checks never load, left behind to keep the bundle small: the chat-template engine
# (jinjava and its tree: chat and serve only) and the charting library (bench --plot).
UNUSED_JARS=(jinjava guava failureaccess listenablefuture checker-qual error_prone_annotations j2objc-annotations
  javassist re2j commons-lang3 commons-net java-ipv6 annotations jackson-dataformat-yaml snakeyaml
  jackson-datatype-jdk8 big-math immutables-exceptions xchart)
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.9.0
# JUnit's engines and platform travel inside the console launcher, so the class path leaves them out.
JUNIT_GROUPS=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian
LAUNCHER=junit-platform-console-standalone.jar
# What may be carried to the GPU machine beside the working tree (64 MiB), less some room.
MAX_BUNDLE_MIB=60
PACKED="$BUNDLE.tar.xz"

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
  modules="$(IFS=,; echo "${GPU_MODULES[*]},$APP_MODULE")"

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
  mkdir -p "$BUNDLE/classes/$APP_MODULE"
  cp -r "$ROOT/$APP_MODULE/target/classes/." "$BUNDLE/classes/$APP_MODULE/"
  drop_unused_natives
  for m in "${UNUSED_JARS[@]}"; do rm -f "$BUNDLE/lib/$m"-[0-9]*.jar; done

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
  bundle_testdata
  echo "gpu-check: packing $(basename "$PACKED")"
  tar -C "$(dirname "$BUNDLE")" -cf - "$(basename "$BUNDLE")" | xz -T0 -6 > "$PACKED"
  report_size
}

# The GPU tests' models and golden files, from the testdata beside the checkout (or $JMOE_TESTDATA).
bundle_testdata() {
  local source="${JMOE_TESTDATA:-$ROOT/../shared/testdata}" m
  [[ -d "$source/models" ]] || die "no test data at $source (set JMOE_TESTDATA)"
  mkdir -p "$BUNDLE/testdata/models" "$BUNDLE/testdata/golden"
  for m in "${GPU_MODELS[@]}"; do
    cp "$source/models/$m.gguf" "$BUNDLE/testdata/models/"
    cp "$source/golden/$m".* "$BUNDLE/testdata/golden/"
  done
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
  for part in jdk lib classes test-classes testdata "$LAUNCHER" .; do
    du -sb "$BUNDLE/$part" | awk -v name="${part/#./total}" '{printf "  %-40s %6.1f MiB\n", name, $1 / 1048576}'
  done
  du -sb "$PACKED" | awk -v name="$(basename "$PACKED") (what travels)" '{printf "  %-40s %6.1f MiB\n", name, $1 / 1048576}'
  if (( $(du -sb "$PACKED" | cut -f1) > MAX_BUNDLE_MIB * 1048576 )); then
    echo "gpu-check: WARNING: $(basename "$PACKED") exceeds $MAX_BUNDLE_MIB MiB and may not travel to the GPU machine" >&2
  fi
}

run() {
  if [[ ! -x "$BUNDLE/jdk/bin/java" && -f "$PACKED" ]]; then
    local into="${GPU_UNPACK:-/tmp}"
    echo "gpu-check: unpacking $(basename "$PACKED") into $into"
    xz -dc "$PACKED" | tar -C "$into" -xf -
    BUNDLE="$into/$(basename "$BUNDLE")"
  fi
  [[ -x "$BUNDLE/jdk/bin/java" ]] || die "no bundle at $BUNDLE: run 'scripts/gpu-check.sh bundle' on a machine with JDK 25 and Maven first"
  local report="${GPU_REPORT:-$ROOT/gpu-report.txt}" what="${1:-all}" status=0
  testdata="${JMOE_TESTDATA:-}"
  if [[ -z "$testdata" ]]; then
    testdata="$ROOT/../shared/testdata"
    [[ -d "$ROOT/shared/testdata" ]] && testdata="$ROOT/shared/testdata"
    [[ -d "$BUNDLE/testdata/models" ]] && testdata="$BUNDLE/testdata"
  fi
  {
    [[ "$what" == commands ]] || run_tests || status=$?
    [[ "$what" == tests ]] || run_commands || status=$?
    echo "gpu-check: exit $status"
    exit "$status"
  } 2>&1 | tee "$report"
  status=${PIPESTATUS[0]}
  echo "gpu-check: report in $report" >&2
  return "$status"
}

run_tests() {
  local gpus=0 classpath m status skipped
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

  echo "== gpu tests"
  RUN_LOG="$(mktemp)"
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
  rm -f "$RUN_LOG"
  if [[ $status -eq 0 && "$gpus" -gt 0 && "${skipped:-0}" -gt 0 ]]; then
    echo "gpu-check: $gpus GPU(s) present but $skipped gpu test(s) skipped: treating as a failure" >&2
    status=3
  fi
  echo "gpu-check: tests exit $status"
  return "$status"
}

# The jmoe command from the bundle's classes and jars.
jmoe() {
  local classpath m
  classpath="$(ls "$BUNDLE"/lib/*.jar | tr '\n' ':')$BUNDLE/classes/$APP_MODULE"
  for m in "${GPU_MODULES[@]}"; do classpath+=":$BUNDLE/classes/$m"; done
  # shellcheck disable=SC2046
  "$BUNDLE/jdk/bin/java" $(cat "$BUNDLE/jvm-flags") ${JMOE_JAVA_OPTS:-} -cp "$classpath" "$APP_MAIN" "$@"
}

run_commands() {
  local model="$testdata/models/$APP_MODEL" status=0 cpu gpu
  [[ -f "$model" ]] || { echo "gpu-check: no test model $model" >&2; return 1; }
  echo "== jmoe topo"; jmoe topo || status=$?
  echo "== jmoe pcie"; jmoe pcie --sizes 1MiB,64MiB,256MiB || status=$?
  echo "== jmoe run: -ngl 0 against -ngl all (greedy, the texts must agree)"
  cpu="$(jmoe run -m "$model" -p "Once upon a time" -n 24 --temp 0 -ngl 0 2>/dev/null)" || status=$?
  gpu="$(jmoe run -m "$model" -p "Once upon a time" -n 24 --temp 0 -ngl all)" || status=$?
  printf -- '-ngl 0:   %s\n-ngl all: %s\n' "$cpu" "$gpu"
  if [[ "$cpu" != "$gpu" ]]; then echo "gpu-check: the GPU text differs from the CPU text" >&2; status=4; fi
  echo "== jmoe bench -ngl 0,all (cuBLAS where it loads)"
  jmoe bench -m "$model" -p 128 -n 32 -r 3 -ngl 0,all || status=$?
  echo "== jmoe bench -ngl all on the PTX GEMM"
  JMOE_JAVA_OPTS="-Djmoe.cuda.gemm=ptx" jmoe bench -m "$model" -p 128 -n 32 -r 3 -ngl all || status=$?
  echo "== jmoe bench: host experts staged for the prompt, per pin mode"
  jmoe bench -m "$model" -p 512 -n 0 -r 3 -ngl all --cpu-moe --expert-pin off,copy,register || status=$?
  echo "== jmoe inspect --placement (-ngl auto: which experts the GPU takes, the staging ring)"
  jmoe inspect "$model" --placement || status=$?
  echo "== jmoe run: host experts staged for the prompt against -ngl 0 (greedy, the texts must agree; the pcie line)"
  local long="Once upon a time, in a land far away, there lived"
  cpu="$(jmoe run -m "$model" -p "$long" -n 8 --temp 0 -ngl 0 2>/dev/null)" || status=$?
  gpu="$(jmoe run -m "$model" -p "$long" -n 8 --temp 0 -ngl all --cpu-moe --offload-batch-size 1)" || status=$?
  printf -- '-ngl 0:            %s\n-ngl all --cpu-moe: %s\n' "$cpu" "$gpu"
  if [[ "$cpu" != "$gpu" ]]; then echo "gpu-check: the staged text differs from the CPU text" >&2; status=4; fi
  echo "gpu-check: commands exit $status"
  return "$status"
}

case "${1:-}" in
  bundle) bundle ;;
  run)    run "${2:-all}" ;;
  *)      echo "usage: scripts/gpu-check.sh bundle|run   (see the top of this script)" >&2; exit 2 ;;
esac
