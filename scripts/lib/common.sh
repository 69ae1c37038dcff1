# Shared by scripts/strata and scripts/test: repository root, JDK selection, apt installs.
# Sourced, not executed. Expects `set -euo pipefail` in the caller.

STRATA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Prints the major version of the java binary $1 ("1.8.0_x" -> 8, "25.0.1" -> 25), or nothing.
java_major() {
  local out
  out="$("$1" -version 2>&1 | head -n 1)" || return 0
  local v
  v="$(sed -nE 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/p' <<<"$out")"
  [[ -z "$v" ]] && return 0
  read -r major minor <<<"$v"
  if [[ "$major" == "1" ]]; then echo "${minor:-0}"; else echo "$major"; fi
}

# Sets JAVA_HOME and JAVA to a JDK >= 21: $JAVA_HOME if good enough, else the newest in /usr/lib/jvm.
select_jdk() {
  local found=()
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    local m; m="$(java_major "$JAVA_HOME/bin/java")"
    if [[ -n "$m" && "$m" -ge 21 && -x "$JAVA_HOME/bin/javac" ]]; then
      JAVA="$JAVA_HOME/bin/java"; export JAVA_HOME; return 0
    fi
    found+=("$JAVA_HOME (Java ${m:-?})")
  fi
  local best="" best_major=0 dir m
  for dir in /usr/lib/jvm/*; do
    [[ -x "$dir/bin/java" && -x "$dir/bin/javac" && ! -L "$dir" ]] || continue
    m="$(java_major "$dir/bin/java")"
    [[ -n "$m" ]] || continue
    found+=("$dir (Java $m)")
    if [[ "$m" -ge 21 && "$m" -gt "$best_major" ]]; then best="$dir"; best_major="$m"; fi
  done
  if [[ -z "$best" ]]; then
    local list="none"
    if [[ ${#found[@]} -gt 0 ]]; then list="$(printf '%s, ' "${found[@]}")"; list="${list%, }"; fi
    echo "StrataFS needs a JDK 21 or newer; found: $list; install e.g. temurin-25 or set JAVA_HOME" >&2
    exit 1
  fi
  export JAVA_HOME="$best"
  JAVA="$best/bin/java"
}

# apt-get update at most once per run, quietly.
_apt_updated=0
apt_install() {
  if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "missing: $* (install them with your package manager; not root, so not installing)" >&2
    return 0
  fi
  echo "installing $* ..." >&2
  if [[ "$_apt_updated" == "0" ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
    _apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 \
    || echo "could not install $* with apt-get; continuing without" >&2
}

# Installs the Debian packages among "command:package" pairs whose command is missing.
ensure_tools() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then apt_install "${missing[@]}"; fi
}
