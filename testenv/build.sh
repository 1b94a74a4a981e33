#!/usr/bin/env bash
# Builds (or reuses) the test control plane from the Go module proxy into a cache outside the repo:
#   ${CSKIT_TESTENV_CACHE:-~/.cache/cskit-testenv}/<k8s version>/bin/{kube-apiserver,kube-controller-manager,
#   kube-scheduler,kubectl,etcd,kwok}
#   ${CSKIT_TESTENV_CACHE:-~/.cache/cskit-testenv}/capi-<CAPI version>/bin/{capi-manager,capi-kubeadm-bootstrap,
#   capi-kubeadm-control-plane}
#   ${CSKIT_TESTENV_CACHE:-~/.cache/cskit-testenv}/capd-<CAPD version>/bin/capd-manager   (in-memory backend)
#   ${CSKIT_TESTENV_CACHE:-~/.cache/cskit-testenv}/clusterctl-<CAPI version>/bin/clusterctl   (the move e2e test)
#   ${CSKIT_TESTENV_CACHE:-~/.cache/cskit-testenv}/clusterctl-<CAPI version>/cert-manager-crds/*.yaml   (copied, not built)
# The Cluster API managers live in a folder of their own, keyed on the CAPI version, so building another CAPI version
# never overwrites the binaries a running e2e test (or another checkout) uses.
# Reuse is keyed on the wrapper modules' go.sum, the Go version and the architecture. Prints progress, the time
# and peak memory of each step (the first build takes many minutes on 2 cores).
# Usage: testenv/build.sh [binary…]   (default: all)
set -euo pipefail
cd "$(dirname "$0")"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

K8S_VERSION=$(sed -n 's/^require k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' k8s/go.mod)
ROOT=${CSKIT_TESTENV_CACHE:-$HOME/.cache/cskit-testenv}
CACHE=$ROOT/$K8S_VERSION
BIN=$CACHE/bin
mkdir -p "$BIN"
KEY=$(cat k8s/go.sum etcd/go.sum kwok/go.sum <(go version) <(go env GOARCH) | sha256sum | cut -c1-16)

# /version must report the pinned release: the scs-0210 verifier reads it.
IFS=. read -r MAJ MIN _ <<<"${K8S_VERSION#v}"
pkgs="k8s.io/component-base/version k8s.io/client-go/pkg/version"
LDFLAGS="-s -w"
for p in $pkgs; do
  LDFLAGS+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=$MAJ -X $p.gitMinor=$MIN -X $p.gitTreeState=clean"
  LDFLAGS+=" -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.buildDate=1970-01-01T00:00:00Z"
done

build() { # name module-dir package [ldflags version]   (BIN and CACHE may be overridden per call)
  local name=$1 dir=$2 pkg=$3 ldflags=${4:-$LDFLAGS} version=${5:-$K8S_VERSION}
  mkdir -p "$BIN"
  if [ -x "$BIN/$name" ] && [ "$(cat "$BIN/.$name.key" 2>/dev/null)" = "$KEY" ]; then
    echo "testenv: $name $version: cached ($BIN/$name)"
    return
  fi
  echo "testenv: building $name from $pkg (first build can take 10+ minutes on 2 cores)…"
  local start=$SECONDS
  /usr/bin/time -f "%M" -o "$CACHE/.$name.rss" go build -C "$dir" -trimpath -ldflags "$ldflags" -o "$BIN/$name.tmp" "$pkg"
  mv "$BIN/$name.tmp" "$BIN/$name"
  echo "$KEY" > "$BIN/.$name.key"
  echo "testenv: built $name in $((SECONDS - start)) s, peak RSS $(( $(cat "$CACHE/.$name.rss") / 1024 )) MiB"
}

# Cluster API managers (testenv/capi wrapper, used by testenv/capi.ts): in their own CAPI-version folder, keyed on
# their own go.sum, so a CAPI bump rebuilds only these three, and stamped with CAPI's own version variables.
CAPI_VERSION=$(sed -n 's/^\tsigs.k8s.io\/cluster-api \(v[0-9.]*\)\( .*\)\?$/\1/p' capi/go.mod)
CAPI_CACHE=$ROOT/capi-$CAPI_VERSION
CAPI_KEY=$(cat capi/go.sum <(go version) <(go env GOARCH) | sha256sum | cut -c1-16)
CAPI_LDFLAGS="-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=$CAPI_VERSION -X sigs.k8s.io/cluster-api/version.gitTreeState=clean"
# CAPI v1.14 moved the core manager's main from the module root to /core.
CAPI_CORE_PKG=sigs.k8s.io/cluster-api
grep -qE '^\s+sigs\.k8s\.io/cluster-api/core$' capi/go.mod && CAPI_CORE_PKG=sigs.k8s.io/cluster-api/core
capi() { KEY=$CAPI_KEY CACHE=$CAPI_CACHE BIN=$CAPI_CACHE/bin build "$1" capi "$2" "$CAPI_LDFLAGS" "$CAPI_VERSION"; }

# CAPD (testenv/capd wrapper, the infrastructure provider whose in-memory backend gives tests real KCP and
# MachineDeployment lifecycles without Docker): its own module, version folder and key, so it never rebuilds the
# managers above. The test module's version variables are CAPI's own.
CAPD_VERSION=$(sed -n 's/^\tsigs.k8s.io\/cluster-api\/test \(v[0-9.]*\)\( .*\)\?$/\1/p' capd/go.mod)
CAPD_CACHE=$ROOT/capd-$CAPD_VERSION
CAPD_KEY=$(cat capd/go.sum <(go version) <(go env GOARCH) | sha256sum | cut -c1-16)
CAPD_LDFLAGS="-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=$CAPD_VERSION -X sigs.k8s.io/cluster-api/version.gitTreeState=clean"
capd() { KEY=$CAPD_KEY CACHE=$CAPD_CACHE BIN=$CAPD_CACHE/bin build "$1" capd "$2" "$CAPD_LDFLAGS" "$CAPD_VERSION"; }

# clusterctl (testenv/clusterctl wrapper, the real CLI for the `clusterctl move` e2e test): its own module, version
# folder and key like CAPD, pinned to the managers' CAPI version, stamped with CAPI's version variables (clusterctl
# prints and checks them).
CTL_VERSION=$(sed -n 's/^\tsigs.k8s.io\/cluster-api \(v[0-9.]*\)\( .*\)\?$/\1/p' clusterctl/go.mod)
CTL_CACHE=$ROOT/clusterctl-$CTL_VERSION
CTL_KEY=$(cat clusterctl/go.sum <(go version) <(go env GOARCH) | sha256sum | cut -c1-16)
CTL_LDFLAGS="-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=$CTL_VERSION -X sigs.k8s.io/cluster-api/version.gitTreeState=clean"
clusterctl() { KEY=$CTL_KEY CACHE=$CTL_CACHE BIN=$CTL_CACHE/bin build "$1" clusterctl "$2" "$CTL_LDFLAGS" "$CTL_VERSION"; }

# cert-manager's CRDs (Issuer, Certificate, …) at the version `clusterctl init` of this CAPI version installs
# (CertManagerDefaultVersion in clusterctl's source), from the cert-manager Go module's deploy/crds: the manager's
# default manifests (cert-manager mode) are dry-run against them. Only copied; nothing of cert-manager runs.
cert_manager_crds() {
  local out=$CTL_CACHE/cert-manager-crds capi_dir version dir
  capi_dir=$(go list -C clusterctl -m -f '{{.Dir}}' sigs.k8s.io/cluster-api)
  version=$(sed -n 's/^\s*CertManagerDefaultVersion = "\(v[0-9.]*\)"$/\1/p' \
    "$capi_dir/cmd/clusterctl/client/config/cert_manager_client.go")
  if [ -z "$version" ]; then echo "testenv: no CertManagerDefaultVersion in clusterctl $CTL_VERSION" >&2; exit 1; fi
  if [ "$(cat "$out/.version" 2>/dev/null)" = "$version" ]; then
    echo "testenv: cert-manager $version CRDs: cached ($out)"
    return
  fi
  dir=$(go mod download -json "github.com/cert-manager/cert-manager@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$out" && mkdir -p "$out"
  cp "$dir"/deploy/crds/cert-manager.io_*.yaml "$out/"
  chmod u+w "$out"/*.yaml
  echo "$version" > "$out/.version"
  echo "testenv: cert-manager $version CRDs copied to $out"
}

want=${*:-etcd kube-apiserver kube-controller-manager kube-scheduler kwok kubectl capi-manager capi-kubeadm-bootstrap capi-kubeadm-control-plane capd-manager clusterctl cert-manager-crds}
for b in $want; do
  case $b in
    etcd) build etcd etcd go.etcd.io/etcd/server/v3 ;;
    kwok) build kwok kwok sigs.k8s.io/kwok/cmd/kwok ;;
    kube-apiserver|kube-controller-manager|kube-scheduler|kubectl) build "$b" k8s "k8s.io/kubernetes/cmd/$b" ;;
    capi-manager) capi capi-manager "$CAPI_CORE_PKG" ;;
    capi-kubeadm-bootstrap) capi capi-kubeadm-bootstrap sigs.k8s.io/cluster-api/bootstrap/kubeadm ;;
    capi-kubeadm-control-plane) capi capi-kubeadm-control-plane sigs.k8s.io/cluster-api/controlplane/kubeadm ;;
    capd-manager) capd capd-manager sigs.k8s.io/cluster-api/test/infrastructure/docker ;;
    clusterctl) clusterctl clusterctl sigs.k8s.io/cluster-api/cmd/clusterctl ;;
    cert-manager-crds) cert_manager_crds ;;
    *) echo "testenv: unknown binary $b" >&2; exit 2 ;;
  esac
done
echo "$BIN"
