# shellcheck shell=bash
# Finds a JDK >= 25 for the ix build and launcher. Sourced by .ci/run and ./ix; defines functions only.
#
#   ix_use_jdk   sets and exports JAVA_HOME and PATH and sets IX_JAVA_VERSION ("25.0.3"),
#                or prints how to install JDK 25 and returns 1.
#
# Order: $JAVA_HOME if it is a JDK >= 25; else the newest JDK >= 25 among the usual install places
# (/usr/lib/jvm, /usr/java, /opt, SDKMAN, IntelliJ's ~/.jdks, the `java` on PATH).

IX_MIN_JAVA=25

# Prints the version of the JDK at $1 ("25.0.3", "17.0.15", "1.8.0_402"), or nothing if $1 is no JDK.
ix_jdk_version() {
    local home=$1
    [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
    { "$home/bin/java" -version 2>&1 </dev/null | sed -n 's/^.* version "\([^"]*\)".*$/\1/p' | head -n 1; } || true
}

# Prints the major of a version string: "25.0.3" -> 25, "25-ea" -> 25, "1.8.0_402" -> 8.
ix_java_major() {
    local version=$1 major
    major=${version%%[.+-]*}
    if [[ $major == 1 ]]; then
        major=${version#1.}
        major=${major%%[.+_-]*}
    fi
    if [[ $major =~ ^[0-9]+$ ]]; then
        echo "$major"
    fi
}

# Prints candidate JDK homes, one a line, possibly with duplicates.
ix_jdk_candidates() {
    local dir java_on_path
    for dir in /usr/lib/jvm/* /usr/java/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* /opt/*/jdk* \
               "${HOME:-}"/.sdkman/candidates/java/* "${HOME:-}"/.jdks/*; do
        [[ -d $dir ]] && echo "$dir"
    done
    if java_on_path=$(command -v java 2>/dev/null); then
        java_on_path=$(readlink -f "$java_on_path")
        echo "${java_on_path%/bin/java}"
    fi
    return 0
}

ix_use_jdk() {
    local home version major best_home="" best_version=""
    if [[ -n ${JAVA_HOME:-} ]]; then
        version=$(ix_jdk_version "$JAVA_HOME")
        major=$(ix_java_major "$version")
        if [[ -n $major ]] && ((major >= IX_MIN_JAVA)); then
            best_home=$JAVA_HOME
            best_version=$version
        else
            echo "note: JAVA_HOME=$JAVA_HOME is ${version:+Java }${version:-not a JDK}; ix needs JDK $IX_MIN_JAVA+, looking elsewhere" >&2
        fi
    fi
    if [[ -z $best_home ]]; then
        while IFS= read -r home; do
            version=$(ix_jdk_version "$home")
            major=$(ix_java_major "$version")
            if [[ -z $major ]] || ((major < IX_MIN_JAVA)); then
                continue
            fi
            if [[ -z $best_version || $(printf '%s\n%s\n' "$best_version" "$version" | sort -V | tail -n 1) != "$best_version" ]]; then
                best_home=$home
                best_version=$version
            fi
        done < <(ix_jdk_candidates | awk '!seen[$0]++')
    fi
    if [[ -z $best_home ]]; then
        cat >&2 <<EOF
error: ix needs JDK $IX_MIN_JAVA or newer and found none (looked at \$JAVA_HOME, /usr/lib/jvm, /usr/java, /opt, ~/.sdkman, ~/.jdks and PATH).
Install JDK $IX_MIN_JAVA, for example Eclipse Temurin:
  Debian/Ubuntu: add the Adoptium apt repository (https://adoptium.net/installation/linux/), then
                 sudo apt-get install temurin-$IX_MIN_JAVA-jdk
  SDKMAN:        sdk install java $IX_MIN_JAVA-tem
  tarball:       https://adoptium.net/temurin/releases/?version=$IX_MIN_JAVA  (unpack under /opt)
then run this again, or point JAVA_HOME at it: export JAVA_HOME=/path/to/jdk-$IX_MIN_JAVA
EOF
        return 1
    fi
    export JAVA_HOME=$best_home
    export PATH="$JAVA_HOME/bin:$PATH"
    # shellcheck disable=SC2034 # read by the scripts that source this file
    IX_JAVA_VERSION=$best_version
}
