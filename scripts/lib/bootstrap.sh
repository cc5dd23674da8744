# Sourced by scripts/start.sh and scripts/test.sh. Installs what SentinelMesh needs on a fresh
# Debian machine with Node.js: pnpm, the workspace's dependencies, and Debian's redis-server.
# Postgres needs nothing: the machine's server binaries are used, else the ones the
# embedded-postgres package ships.

PNPM_VERSION=10.34.8

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  say "installing $* (apt)"
  as_root apt-get update -qq >/dev/null &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_node() {
  command -v node >/dev/null 2>&1 || die "Node.js 20.18 or newer is required (https://nodejs.org)"
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 18) ? 0 : 1)' ||
    die "Node.js 20.18 or newer is required; this is $(node --version)"
}

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1; then PNPM=(pnpm); return; fi
  say "installing pnpm $PNPM_VERSION"
  if npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null 2>&1 && command -v pnpm >/dev/null 2>&1; then
    PNPM=(pnpm)
  else
    PNPM=(npx --yes "pnpm@$PNPM_VERSION")
  fi
}

ensure_redis() {
  command -v redis-server >/dev/null 2>&1 && return
  apt_install redis-server || die "redis-server is missing and could not be installed; install Debian's redis-server package"
}

# The dashboard's browser tests drive Debian's Chromium through playwright-core (no browser download).
ensure_chromium() {
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && return
  apt_install chromium || die "chromium is missing and could not be installed; install Debian's chromium package"
}

ensure_promtool() {
  command -v promtool >/dev/null 2>&1 && return
  apt_install prometheus || die "promtool is missing and could not be installed; install Debian's prometheus package"
}

# The chaos run gives one worker a clock ahead of true time with Debian's libfaketime.
ensure_faketime() {
  [ -e "${LIBFAKETIME:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}" ] && return
  apt_install faketime || die "libfaketime is missing and could not be installed; install Debian's faketime package"
}

# The MySQL check's tests start a private MariaDB (scripts/lib/mariadb.ts) from Debian's server package.
ensure_mariadb() {
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] && return
  apt_install mariadb-server || die "mariadbd is missing and could not be installed; install Debian's mariadb-server package"
}

# Ping checks run the system ping (Debian's iputils-ping); their tests ping loopback.
ensure_ping() {
  command -v ping >/dev/null 2>&1 && return
  apt_install iputils-ping || die "ping is missing and could not be installed; install Debian's iputils-ping package"
}

ensure_dependencies() {
  say "installing dependencies (pnpm install)"
  "${PNPM[@]}" install --frozen-lockfile --reporter=append-only | grep -vE '^(Progress|\s*$)' || die "pnpm install failed"
}

bootstrap() {
  ensure_node
  ensure_pnpm
  ensure_redis
  ensure_dependencies
}
