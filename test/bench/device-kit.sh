#!/usr/bin/env bash
# Builds .device/ (git-ignored): what the lent GPU machine, which has no Node and no network, needs to
# run the bench and the headless lab on its GPU through Dawn. Carry it and run test/bench/device-run.sh
# there (copied in as .device/run.sh); see README.md, "On a lent GPU machine".
#   .device/lab.mjs, bench.mjs   src/cli/lab.ts and test/bench/bench.ts bundled into one file each
#   .device/*.wasm               tfjs's WASM backend, found beside the bundle
#   .device/dist/linux-x64/      the webgpu package's dawn.node (xz), found beside the bundle
#   .device/node.xz              this machine's Node (x86-64)
#   .device/debs/                Debian's Vulkan loader, unpacked there only when it has none
# Usage: npm run device-kit
set -euo pipefail
cd "$(dirname "$0")/../.."
K=.device
[ "$(uname -m)" = x86_64 ] || { echo "device-kit: the device machine is x86-64; build the kit on an x86-64 machine" >&2; exit 1; }
rm -rf "$K"
mkdir -p "$K/dist/linux-x64" "$K/debs"
# ESM bundles: tfjs's WASM loader wants require and __dirname, the webgpu package import.meta.url
BANNER="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"
for pair in src/cli/lab.ts:lab test/bench/bench.ts:bench; do
  npx esbuild "${pair%%:*}" --bundle --platform=node --format=esm --target=node20 --log-level=warning \
    --outfile="$K/${pair##*:}.mjs" --banner:js="$BANNER"
done
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$K/"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$K/dist/linux-x64/dawn.node.xz"
xz -T0 -6 -c "$(command -v node)" > "$K/node.xz"
lists=$(mktemp -d)
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
mkdir -p "$lists/partial"
apt-get "${o[@]}" update -qq
(cd "$K/debs" && apt-get "${o[@]}" download -qq libvulkan1)
rm -rf "$lists"
cp test/bench/device-run.sh "$K/run.sh"
# A call carries the working tree and the kit, 64 MiB in all: say so here, not as a refused call there.
kit=$(du -sm "$K" | cut -f1)
tree=$(git ls-files -z | xargs -0 du -cm 2> /dev/null | tail -1 | cut -f1)
if [ $((kit + tree)) -ge 64 ]; then echo "device-kit: the kit (${kit} MiB) and the tracked tree (${tree} MiB) exceed the 64 MiB a call carries" >&2; exit 1; fi
echo "device-kit: ${kit} MiB in $K, ${tree} MiB of tracked files (a call carries 64 MiB):"
ls -la "$K" "$K/debs" "$K/dist/linux-x64"
