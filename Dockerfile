# nightshift in a container: a statically linked (musl) binary, built with the `dist` profile,
# alone in an empty image with the bundled scenarios and sweeps under /work.
#
#   docker build -t nightshift:0.1.0 .
#   mkdir -p output && docker run --rm --user "$(id -u):$(id -g)" \
#       -v "$PWD/output:/work/output" nightshift:0.1.0 run scenarios/exercise-1.toml
#
# Traces (traces/, 77 MB) are left out: mount them at /work/traces, or build an image
# `FROM nightshift:0.1.0` that copies in your own scenarios, sweeps and traces. The
# Kubernetes recipe (deploy/kubernetes/) runs this image; README "Run it on a cluster".

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS build
# musl-tools: musl's C compiler, for mimalloc, the allocator of the static build.
RUN apt-get update && apt-get install -y --no-install-recommends musl-tools \
    && rm -rf /var/lib/apt/lists/* \
    && rustup target add x86_64-unknown-linux-musl
WORKDIR /src
COPY . .
RUN cargo build --profile dist --locked --target x86_64-unknown-linux-musl \
    && mkdir -p /image/bin /image/work/output \
    && cp target/x86_64-unknown-linux-musl/dist/nightshift /image/bin/ \
    && strip /image/bin/nightshift \
    && cp -r scenarios sweeps /image/work/

# No base image: the binary needs no libc, shell or certificates (it reads and writes files
# only). Runs as an unprivileged user, who owns /work (outputs go to /work/output unless
# --out says otherwise; mount a volume there to keep them).
FROM scratch
COPY --from=build /image/bin/nightshift /usr/local/bin/nightshift
COPY --from=build --chown=65532:65532 /image/work /work
ENV PATH=/usr/local/bin
WORKDIR /work
USER 65532:65532
ENTRYPOINT ["nightshift"]
CMD ["--help"]
