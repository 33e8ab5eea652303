#!/usr/bin/env bash
# On the lent GPU machine, from the repo root with .device carried (npm run device-kit builds it):
#   bash .device/run.sh bench [bench flags]        e.g. --backends webgpu,wasm --out $OUT
#   bash .device/run.sh lab [lab flags]            e.g. --preset paro --backend webgpu --out $OUT/runs
# Unpacks Node, the bundles and dawn.node into /tmp/rlvr-device (the kit itself stays as built, so it
# never grows past what the device takes), the Vulkan loader into / when the machine has none, prints
# the GPU's name, then runs the bundle. Dawn picks the NVIDIA ICD (src/cli/shared/dawn.ts). Uses Python's lzma
# where xz is missing.
set -euo pipefail
K="$(cd "$(dirname "$0")" && pwd)"
R=/tmp/rlvr-device
unxz_to() { xz -dc "$1" > "$2" 2>/dev/null || python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; }
if ! ldconfig -p | grep -q 'libvulkan.so.1'; then
  for f in "$K"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
mkdir -p "$R/dist/linux-x64"
cp "$K"/*.mjs "$K"/*.wasm "$R/"
[ -x "$R/node" ] || { unxz_to "$K/node.xz" "$R/node"; chmod +x "$R/node"; }
[ -f "$R/dist/linux-x64/dawn.node" ] || unxz_to "$K/dist/linux-x64/dawn.node.xz" "$R/dist/linux-x64/dawn.node"
if command -v nvidia-smi > /dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; fi
what="${1:?usage: run.sh bench|lab [flags]}"
shift
case "$what" in bench | lab) ;; *) echo "run.sh: the first argument is bench or lab, not $what" >&2; exit 2 ;; esac
exec "$R/node" "$R/$what.mjs" "$@"
