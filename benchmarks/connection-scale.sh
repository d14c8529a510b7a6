#!/usr/bin/env bash
# connection-scale.sh: the connection-scale benchmark (dev.ix.bench.scale.ConnectionScale) with the limits it needs.
# Every argument goes to ConnectionScale; --help lists them. Before starting it, this script
#   - raises the open-file limit of this shell to $IX_SCALE_NOFILE (default 1048576); the client JVM and the echo
#     servers it starts inherit it;
#   - as root, raises each kernel setting below what the run needs (fs.nr_open, fs.file-max, net.core.somaxconn,
#     net.ipv4.tcp_max_syn_backlog, net.netfilter.nf_conntrack_max), says so, and puts it back on exit;
#   - builds the benchmarks module through ./ix when a source or pom changed, and runs the main class on the
#     classpath ./ix uses (benchmarks/target/classes + benchmarks/target/runtime.classpath) with $IX_JAVA_OPTS
#     (default: -Xms2g -Xmx2g -XX:+UseParallelGC, for the client holds one end of every connection).
set -euo pipefail

IX_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NOFILE=${IX_SCALE_NOFILE:-1048576}
MAIN=dev.ix.bench.scale.ConnectionScale
declare -A RESTORE=()

say() {
    echo "connection-scale.sh: $*" >&2
}

# raise NAME MINIMUM: sets the sysctl NAME to MINIMUM if it is lower (root only) and remembers the old value.
raise() {
    local name=$1 minimum=$2 file current
    file=/proc/sys/${name//./\/}
    [[ -r $file ]] || return 0
    current=$(<"$file")
    if ((current >= minimum)); then
        return 0
    fi
    if ((EUID != 0)); then
        say "$name is $current (< $minimum) and this is not root: left as is, the run may fail"
        return 0
    fi
    echo "$minimum" >"$file"
    RESTORE[$name]=$current
    say "set $name $current -> $minimum (restored on exit)"
}

restore() {
    local name
    for name in "${!RESTORE[@]}"; do
        echo "${RESTORE[$name]}" >"/proc/sys/${name//./\/}"
        say "restored $name to ${RESTORE[$name]}"
    done
}

raise_limits() {
    raise fs.nr_open "$NOFILE"
    raise fs.file-max $((2 * NOFILE))
    raise net.core.somaxconn 4096
    raise net.ipv4.tcp_max_syn_backlog 4096
    raise net.netfilter.nf_conntrack_max 524288
    if ! ulimit -n "$NOFILE" 2>/dev/null; then
        local hard
        hard=$(ulimit -H -n)
        ulimit -S -n "$hard"
        say "cannot raise the open-file limit to $NOFILE: the hard limit is $hard, and raising it takes root with" \
            "CAP_SYS_RESOURCE (a container may withhold it); steps of more than $((hard - 1024 - 64)) connections" \
            "will be skipped"
    fi
    say "open files $(ulimit -n); net.ipv4.ip_local_port_range $(tr '\t' - </proc/sys/net/ipv4/ip_local_port_range)" \
        "(left as is: the client spreads over source addresses)"
}

main() {
    local arg help=false
    for arg in "$@"; do
        case $arg in
            -h | --help) help=true ;;
        esac
    done
    # ./ix builds benchmarks (and what it needs) only when a source or pom changed; --help makes it run nothing else.
    "$IX_HOME/ix" bench --help >/dev/null
    # shellcheck source-path=SCRIPTDIR/.. source=.ci/find-jdk.sh disable=SC1091  # followed with shellcheck -x
    source "$IX_HOME/.ci/find-jdk.sh"
    ix_use_jdk
    if [[ $help == false ]]; then
        trap restore EXIT
        raise_limits
    fi
    local classpath java_opts=()
    classpath="$IX_HOME/benchmarks/target/classes:$(<"$IX_HOME/benchmarks/target/runtime.classpath")"
    read -r -a java_opts <<<"${IX_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseParallelGC}"
    export IX_HOME
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED "${java_opts[@]}" -cp "$classpath" "$MAIN" "$@"
}

main "$@"
