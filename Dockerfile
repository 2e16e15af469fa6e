# keyward in a container: the static release binary on distroless/static, which brings CA
# certificates, time zones and a non-root user, and nothing else. Build the binary first (pure Go,
# no compiler needed in the image), then the image:
#
#   scripts/release.sh linux/amd64        # or linux/arm64
#   docker build -t keyward .             # or: podman build -t keyward .
#   docker run -p 8080:8080 -v keyward-data:/data keyward
#
# For another architecture pass --platform linux/arm64 (TARGETARCH follows it).
ARG BASE=gcr.io/distroless/static-debian12:nonroot
FROM ${BASE}
ARG TARGETARCH=amd64
COPY dist/keyward_linux_${TARGETARCH}/keyward /usr/local/bin/keyward
# The data directory (an empty one the release script leaves beside the binary) belongs to the
# non-root user the server runs as, so that a new volume mounted there is writable.
COPY --chown=65532:65532 dist/keyward_linux_${TARGETARCH}/data /data
USER 65532:65532
WORKDIR /data
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/keyward"]
CMD ["serve", "--addr", "0.0.0.0:8080", "--data-dir", "/data"]
