#!/usr/bin/env bash
# Builds the control-plane binaries of the cluster test tier (etcd, kube-apiserver, kubectl of
# the same version, helm) from their published Go modules into a cache OUTSIDE the work tree:
#   ${KOAXY_CACHE:-$HOME/.cache/koaxy}/bin/<set>-<version>/<binary>
# Binaries already there are skipped, so a warm run takes a second. Versions live in
# versions.env; the small wrapper modules in modules/<set>/ (go.mod + go.sum) pin everything.
# Nothing built is ever written inside the work tree.
#
# Usage: build.sh                  build what is missing
#        build.sh --check          exit 0 when every binary is present, 1 otherwise (no build)
#        build.sh --update-modules regenerate modules/*/go.mod and go.sum from versions.env
# Env:   KOAXY_CACHE (cache root), KOAXY_BUILD_NICE (nice level, default 19)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$HERE/versions.env"
CACHE=${KOAXY_CACHE:-$HOME/.cache/koaxy}
NICE=${KOAXY_BUILD_NICE:-19}
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false"

KUBE_DIR="$CACHE/bin/kube-$KUBE_VERSION"
ETCD_DIR="$CACHE/bin/etcd-$ETCD_VERSION"
HELM_DIR="$CACHE/bin/helm-$HELM_VERSION"
ALL_BINS=("$ETCD_DIR/etcd" "$KUBE_DIR/kube-apiserver" "$KUBE_DIR/kubectl" "$HELM_DIR/helm")

say() { echo "cluster:build: $*"; }
die() { echo "cluster:build: $1" >&2; exit "${2:-1}"; }

all_present() {
  local b
  for b in "${ALL_BINS[@]}"; do [[ -x $b ]] || return 1; done
}

require_go() {
  # The usual install location, for shells (CI) whose PATH misses it.
  command -v go >/dev/null 2>&1 || [[ ! -x /usr/local/go/bin/go ]] || PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null 2>&1 ||
    die "Go >= 1.24 is not installed (no 'go' on PATH): install the Go toolchain (https://go.dev/doc/install, or 'apt-get install golang-go' if recent enough) and rerun 'npm run cluster:build'" 3
  local v
  v=$(go env GOVERSION)
  [[ $v =~ ^go1\.([0-9]+) ]] && ((BASH_REMATCH[1] >= 24)) ||
    die "found $v, need Go >= 1.24 (go1.26 recommended): install a newer Go toolchain and rerun 'npm run cluster:build'" 3
}

# write_kube_mod: the wrapper that maps k8s.io/kubernetes' staging modules (required at the
# nonexistent v0.0.0 and replaced by ./staging/... in its own go.mod) to their published v0.X.Y.
write_kube_mod() {
  local gomod staging m
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [[ -f $gomod ]] || die "the Go module proxy did not serve k8s.io/kubernetes@$KUBE_VERSION"
  staging=$(grep -E '^\s*k8s.io/[a-z0-9-]+ => \./staging' "$gomod" | awk '{print $1}')
  {
    printf 'module koaxy.local/kube-bin\n\ngo 1.24.0\n\ngodebug default=go1.24\n\n'
    printf 'tool (\n\tk8s.io/kubernetes/cmd/kube-apiserver\n\tk8s.io/kubernetes/cmd/kubectl\n)\n\n'
    printf 'require k8s.io/kubernetes %s\n\nreplace (\n' "$KUBE_VERSION"
    for m in $staging; do printf '\t%s => %s v0.%s\n' "$m" "$m" "${KUBE_VERSION#v1.}"; done
    printf ')\n'
  } >"$HERE/modules/kube/go.mod"
}

update_modules() {
  mkdir -p "$HERE/modules/kube" "$HERE/modules/etcd" "$HERE/modules/helm"
  rm -f "$HERE"/modules/*/go.sum
  write_kube_mod
  printf 'module koaxy.local/etcd-bin\n\ngo 1.24.0\n\ntool go.etcd.io/etcd/server/v3\n\nrequire go.etcd.io/etcd/server/v3 %s\n' \
    "$ETCD_VERSION" >"$HERE/modules/etcd/go.mod"
  printf 'module koaxy.local/helm-bin\n\ngo 1.24.0\n\ntool helm.sh/helm/v3/cmd/helm\n\nrequire helm.sh/helm/v3 %s\n' \
    "$HELM_VERSION" >"$HERE/modules/helm/go.mod"
  local set
  for set in kube etcd helm; do
    say "go mod tidy in modules/$set"
    (cd "$HERE/modules/$set" && go mod tidy) || die "go mod tidy failed in modules/$set (see above for the module or version the proxy refused)"
  done
}

# check_mod SET MODULE VERSION: the committed wrapper must pin the version in versions.env.
check_mod() {
  grep -qE "^(require)?[[:space:]]*$2 $3( |$)" "$HERE/modules/$1/go.mod" ||
    die "scripts/cluster/modules/$1/go.mod does not require $2 $3 (versions.env changed?): run 'bash scripts/cluster/build.sh --update-modules'"
}

# build_one OUT SET PACKAGE LDFLAGS: go build into a temp name, then rename (never half a binary).
build_one() {
  local out=$1 set=$2 pkg=$3 ldflags=$4 t0=$SECONDS tmp
  if [[ -x $out ]]; then say "$(basename "$out"): cached ($out)"; return 0; fi
  mkdir -p "$(dirname "$out")"
  tmp="$out.partial.$$"
  say "building $(basename "$out") from $pkg (modules/$set; nice $NICE) ..."
  if ! (cd "$HERE/modules/$set" && nice -n "$NICE" go build -trimpath -pgo=off -ldflags "-s -w $ldflags" -o "$tmp" "$pkg"); then
    rm -f "$tmp"
    die "FAILED to build $pkg from scripts/cluster/modules/$set (see the go error above: it names the module or version that failed)"
  fi
  mv -f "$tmp" "$out"
  say "$(basename "$out"): built in $((SECONDS - t0))s -> $out"
}

kube_ldflags() {
  local major minor p flags=""
  major=${KUBE_VERSION#v}; major=${major%%.*}
  minor=${KUBE_VERSION#v*.}; minor=${minor%%.*}
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  echo "$flags"
}

helm_ldflags() {
  # As helm's Makefile: its version, and the Kubernetes version its client libraries target.
  local kv major minor p flags
  kv=$(cd "$HERE/modules/helm" && go list -m -f '{{.Version}}' k8s.io/client-go) ||
    die "cannot read the k8s.io/client-go version of modules/helm (go list failed above)"
  kv=${kv#v}; major=$((${kv%%.*} + 1)); minor=${kv#*.}; minor=${minor%%.*}
  flags="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    flags+=" -X $p.k8sVersionMajor=$major -X $p.k8sVersionMinor=$minor"
  done
  echo "$flags"
}

main() {
  case "${1:-}" in
    --check) all_present && exit 0 || exit 1 ;;
    --update-modules) require_go; update_modules; exit 0 ;;
    "") ;;
    *) die "unknown argument '$1' (use --check or --update-modules)" 2 ;;
  esac
  if all_present; then say "all binaries present in $CACHE/bin (nothing to build)"; exit 0; fi
  require_go
  mkdir -p "$CACHE/bin"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE/bin/.build.lock"
    flock 9 # a concurrent build finishes first; what it built is then skipped
  fi
  check_mod kube k8s.io/kubernetes "$KUBE_VERSION"
  check_mod etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
  check_mod helm helm.sh/helm/v3 "$HELM_VERSION"
  local t0=$SECONDS kube_flags helm_flags=""
  kube_flags=$(kube_ldflags)
  [[ -x $HELM_DIR/helm ]] || helm_flags=$(helm_ldflags) # a failure here stops the script (set -e)
  build_one "$ETCD_DIR/etcd" etcd go.etcd.io/etcd/server/v3 ""
  build_one "$KUBE_DIR/kube-apiserver" kube k8s.io/kubernetes/cmd/kube-apiserver "$kube_flags"
  build_one "$KUBE_DIR/kubectl" kube k8s.io/kubernetes/cmd/kubectl "$kube_flags"
  build_one "$HELM_DIR/helm" helm helm.sh/helm/v3/cmd/helm "$helm_flags"
  say "done in $((SECONDS - t0))s; binaries in $CACHE/bin"
}

main "$@"
