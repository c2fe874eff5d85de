#!/bin/sh
# Install the system tools used by the real-kernel differential tests
# (tests/realnet.py), by the browser tests (tests/browser/: headless Chromium
# driven through chromedriver) and by the real-docker differential tests
# (tests/realdocker/: Debian's docker.io 20.10, busybox-static, debootstrap; the
# packaged docker service is never started).  Idempotent and fast when
# everything is present.
#
# - As root: apt-get installs whatever is missing (one `apt-get update`).
# - Not root: prints what is missing and exits 0; the tests then skip with a
#   reason (or fail, if DOCKERSIM_REQUIRE_REAL_KERNEL=1 / DOCKERSIM_REQUIRE_BROWSER=1 /
#   DOCKERSIM_REQUIRE_REAL_DOCKER=1).
# - Never fails the build: if apt is unavailable/unreachable it warns and
#   exits 0.

PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export PATH

# tool:package
# (Debian's chromium and chromium-driver: the browser tests use /usr/bin/chromedriver.)
PAIRS="ping:iputils-ping iptables:iptables tcpdump:tcpdump tshark:tshark ip:iproute2 tmux:tmux dig:bind9-dnsutils brctl:bridge-utils ifconfig:net-tools nft:nftables chromium:chromium chromedriver:chromium-driver"

# Packages checked by name rather than by a tool on PATH: the real-docker tests
# need Debian's own files (/usr/sbin/dockerd and the 20.10 client /usr/bin/docker,
# whatever docker is first on PATH; the *static* /bin/busybox, which the busybox
# package also provides, but dynamically linked).
DEB_PKGS="docker.io busybox-static debootstrap"

pkg_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing_pkgs=""
missing_tools=""
for pair in $PAIRS; do
    tool=${pair%%:*}
    pkg=${pair#*:}
    if ! command -v "$tool" >/dev/null 2>&1; then
        missing_tools="$missing_tools $tool"
        missing_pkgs="$missing_pkgs $pkg"
    fi
done
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in $DEB_PKGS; do
        if ! pkg_installed "$pkg"; then
            missing_tools="$missing_tools $pkg"
            missing_pkgs="$missing_pkgs $pkg"
        fi
    done
fi

if [ -z "$missing_pkgs" ]; then
    echo "setup_system: all tools present (ping iptables tcpdump tshark ip tmux dig brctl ifconfig nft chromium chromedriver docker.io busybox-static debootstrap)"
    exit 0
fi

echo "setup_system: missing tools:$missing_tools (packages:$missing_pkgs)"

if [ "$(id -u)" -ne 0 ]; then
    echo "setup_system: not root; not installing. Real-kernel, real-docker and browser tests will be skipped." >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup_system: WARNING: apt-get not available; install$missing_pkgs manually." >&2
    exit 0
fi

APT_OPTS="-o Acquire::Retries=2 -o Acquire::http::Timeout=30 -o Acquire::https::Timeout=30"

# docker.io's maintainer scripts start the packaged service unless a policy
# forbids it: the tests run their own daemon, isolated, so forbid it for the
# duration of the install when the machine has no policy of its own.
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\n# setup_system.sh: no service starts during this install\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
    trap 'rm -f "$POLICY"' EXIT
fi

# shellcheck disable=SC2086
if ! apt-get $APT_OPTS update; then
    echo "setup_system: WARNING: apt-get update failed (offline?); trying install anyway." >&2
fi

# shellcheck disable=SC2086
if ! DEBIAN_FRONTEND=noninteractive apt-get $APT_OPTS install -y --no-install-recommends $missing_pkgs; then
    echo "setup_system: WARNING: could not install$missing_pkgs; real-kernel or browser tests may be skipped." >&2
    exit 0
fi

# On a machine run by systemd, keep the packaged docker units that this install
# enabled from starting at the next boot (they were missing before it).
case " $missing_pkgs " in
    *" docker.io "*)
        if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
            systemctl disable docker.service docker.socket >/dev/null 2>&1 || true
        fi
        ;;
esac

still=""
for pair in $PAIRS; do
    tool=${pair%%:*}
    command -v "$tool" >/dev/null 2>&1 || still="$still $tool"
done
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in $DEB_PKGS; do
        pkg_installed "$pkg" || still="$still $pkg"
    done
fi
if [ -n "$still" ]; then
    echo "setup_system: WARNING: still missing:$still" >&2
else
    echo "setup_system: installed$missing_pkgs"
fi
exit 0
