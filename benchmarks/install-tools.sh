#!/usr/bin/env bash
# Installs the external tools the side-by-side benchmark uses, on Debian or Ubuntu:
#   wrk      closed-loop HTTP load generator       (package wrk)
#   nginx    a non-Java peer to compare against    (package nginx)
#   perf     syscall counts per request            (package linux-perf on Debian, linux-tools-* on Ubuntu)
#   taskset  pins peers and generators to CPUs     (package util-linux)
# the tools some tests of `./mvnw verify` drive (each such test is skipped, saying why, when its tool is missing):
#   slowhttptest        slowloris and slow-body attacks on ix-http  (package slowhttptest)
#   memcached           the reference for the kv sample             (package memcached; the baseline of ./ix bench kv)
#   memccapable         memcached's conformance tests, run on kv    (package libmemcached-tools, which also has
#                       memcaslap, ./ix bench kv's second opinion)
#   cc                  builds mcload, ./ix bench kv's open-loop    (package gcc)
#                       generator in C, its third opinion
# and lets perf count syscalls of our own processes (kernel.perf_event_paranoid <= 1).
#
# --test-tools installs only the tools the tests drive (.ci/run calls it that way).
#
# Only what is missing is installed; running it again changes nothing. wrk2 is not packaged: build it from
# https://github.com/giltene/wrk2 and put the binary on PATH as wrk2.
#
# Usage: sudo benchmarks/install-tools.sh [--test-tools]
set -euo pipefail

test_tools_only=false
case ${1:-} in
    --test-tools) test_tools_only=true ;;
    '') ;;
    *) printf 'usage: %s [--test-tools]\n' "$0" >&2; exit 2 ;;
esac

say() { printf 'install-tools: %s\n' "$*"; }

if [[ ${EUID} -ne 0 ]]; then
    say "this installs packages and sets a sysctl, so it needs root: sudo $0" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    say "apt-get not found: install wrk, nginx, perf and taskset with your package manager" >&2
    exit 1
fi

# Root's PATH on Debian includes /usr/sbin (nginx); a sudo'ed PATH may not, so look there too.
has() { command -v "$1" >/dev/null 2>&1 || [[ -x /usr/sbin/$1 || -x /sbin/$1 ]]; }

# perf from linux-perf is a wrapper that needs a perf binary matching the kernel's major version; a
# working `perf --version` is what counts.
perf_works() { has perf && perf --version >/dev/null 2>&1; }

perf_package() {
    if apt-cache show linux-perf >/dev/null 2>&1; then
        echo linux-perf
    else
        # Ubuntu ships perf per kernel flavour.
        echo "linux-tools-common linux-tools-$(uname -r)"
    fi
}

missing=()
nginx_was_missing=false
memcached_was_missing=false
has slowhttptest || missing+=(slowhttptest)
has memccapable || missing+=(libmemcached-tools)
has cc || missing+=(gcc)
if ! has memcached; then
    missing+=(memcached)
    memcached_was_missing=true
fi
if ! ${test_tools_only}; then
    has wrk || missing+=(wrk)
    if ! has nginx; then
        missing+=(nginx)
        nginx_was_missing=true
    fi
    has taskset || missing+=(util-linux)
    if ! perf_works; then
        read -r -a perf_pkgs <<<"$(perf_package)"
        missing+=("${perf_pkgs[@]}")
    fi
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    say "all tools are already installed"
else
    say "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    if ${nginx_was_missing}; then
        # The package starts a system nginx on port 80; the benchmark runs its own with its own config, and an
        # idle extra server on the machine is noise we do not need.
        if command -v service >/dev/null 2>&1 && service nginx status >/dev/null 2>&1; then
            service nginx stop >/dev/null 2>&1 && say "stopped the nginx service the package started"
        fi
    fi
    if ${memcached_was_missing}; then
        # Likewise a system memcached on port 11211: tests and the kv benchmark start their own.
        if command -v service >/dev/null 2>&1 && service memcached status >/dev/null 2>&1; then
            service memcached stop >/dev/null 2>&1 && say "stopped the memcached service the package started"
        fi
    fi
fi

tools=(slowhttptest memcached memccapable cc)
${test_tools_only} || tools+=(wrk nginx taskset)
for tool in "${tools[@]}"; do
    has "${tool}" || { say "${tool} is still missing after installing" >&2; exit 1; }
done
if ${test_tools_only}; then
    say "done"
    exit 0
fi
if ! perf_works; then
    say "perf is installed but does not run for kernel $(uname -r); syscall counts will be skipped" >&2
fi

paranoid_file=/proc/sys/kernel/perf_event_paranoid
if [[ -r ${paranoid_file} ]]; then
    paranoid=$(<"${paranoid_file}")
    if ((paranoid > 1)); then
        # 1 lets a user count kernel events (syscall tracepoints) of processes they own; 2, the default on
        # many distributions, allows user-space events only. This lasts until reboot.
        sysctl -q -w kernel.perf_event_paranoid=1
        say "set kernel.perf_event_paranoid from ${paranoid} to 1 (until reboot; for good: echo 'kernel.perf_event_paranoid = 1' > /etc/sysctl.d/99-perf.conf)"
    else
        say "kernel.perf_event_paranoid is ${paranoid}, low enough"
    fi
fi
say "done"
