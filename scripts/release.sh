#!/usr/bin/env bash
# Builds keyward's release binaries: pure Go (CGO_ENABLED=0), static, with the version, commit and
# commit time that `keyward version` reads from the Go build info.
#
#   scripts/release.sh                      every target: linux, darwin, windows × amd64, arm64
#   scripts/release.sh linux/arm64 ...      only the targets named
#
# Each binary lands in $DIST (default dist/) as keyward_<os>_<arch>/keyward[.exe].
set -euo pipefail
cd "$(dirname "$0")/.."

all=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
dist=${DIST:-dist}

for target in "${targets[@]}"; do
  case " ${all[*]} " in
    *" $target "*) ;;
    *) echo "release.sh: unknown target $target (one of: ${all[*]})" >&2; exit 2 ;;
  esac
  os=${target%/*} arch=${target#*/}
  ext=; [ "$os" = windows ] && ext=.exe
  out="$dist/keyward_${os}_${arch}/keyward$ext"
  mkdir -p "$(dirname "$out")"
  # The Dockerfile copies this empty directory to /data, owned by the user the server runs as.
  [ "$os" = linux ] && mkdir -p "$dist/keyward_${os}_${arch}/data"
  # -buildvcs=auto: record the commit when building from a git clone, whatever GOFLAGS says.
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -buildvcs=auto -ldflags='-s -w' -o "$out" ./cmd/keyward
  echo "$out"
done
