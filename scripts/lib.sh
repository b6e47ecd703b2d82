# Shared by the scripts: where caches live and how Maven is called. Source it, do not run it.
# Caches live outside the checkout so that CI's fresh clones reuse them.
repo=$(CDPATH= cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cache=${CUSTODY_CACHE:-$HOME/.cache/custody}
mkdir -p "$cache"
mvnw() { mvn -B -ntp -Dmaven.repo.local="$cache/m2" -f "$repo/pom.xml" "$@"; }
log() { printf '%s: %s\n' "$(basename -- "$0")" "$*" >&2; }
