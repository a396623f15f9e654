#!/usr/bin/env bash
# Builds the Dockerfile's image without a Docker engine and runs `nightshift run` inside it,
# for machines where base images cannot be pulled (docs/install.md#the-container-image).
#
# The build stage's commands run here (a musl build with the `dist` profile, the /image tree);
# the final stage is the Dockerfile's own text from `FROM scratch` on, built by buildah
# (Debian package `buildah`; vfs storage and chroot isolation, no daemon). Then, inside the
# image, as its user and in its working folder: `nightshift --version`, a one-day run of
# scenarios/exercise-1.toml and its summary. Usage: deploy/container/smoke-test.sh [TAG]
set -euo pipefail
cd "$(dirname "$0")/../.."
tag=${1:-nightshift:0.1.0}
target=x86_64-unknown-linux-musl
work=$(mktemp -d)
bah=(buildah --storage-driver vfs)
container=""
cleanup() {
    [ -n "$container" ] && "${bah[@]}" rm "$container" >/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The build stage's RUN, as in the Dockerfile.
cargo build --profile dist --locked --target "$target"
mkdir -p "$work/image/bin" "$work/image/work/output"
cp "target/$target/dist/nightshift" "$work/image/bin/"
strip "$work/image/bin/nightshift"
cp -r scenarios sweeps "$work/image/work/"
if readelf -l "$work/image/bin/nightshift" | grep -q INTERP; then
    echo "smoke-test: the binary is dynamically linked; it cannot run in an empty image" >&2
    exit 1
fi

# The build stage replaced by the tree it makes; the final stage verbatim.
{
    echo "FROM scratch AS build"
    echo "COPY image/ /image/"
    sed -n '/^FROM scratch$/,$p' Dockerfile
} > "$work/Dockerfile"
"${bah[@]}" bud --isolation chroot --layers=false -q -t "$tag" -f "$work/Dockerfile" "$work"
"${bah[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' "$tag"
"${bah[@]}" inspect --type image --format \
    'user {{.OCIv1.Config.User}}, entrypoint {{.OCIv1.Config.Entrypoint}}, working folder {{.OCIv1.Config.WorkingDir}}' "$tag"
echo

container=$("${bah[@]}" from "$tag")
run() { "${bah[@]}" run --isolation chroot "$container" -- "$@"; }
run nightshift --version
run nightshift run scenarios/exercise-1.toml --set simulation.duration=1d
mount=$("${bah[@]}" mount "$container")
ls -ln "$mount/work/output/exercise-1"
"${bah[@]}" umount "$container" >/dev/null
echo "smoke-test: $tag built and ran nightshift inside it"
