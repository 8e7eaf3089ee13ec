# One image for every component: the Deployment picks the binary with `command`.
# Build:  docker build -t quickspin-ai:0.1.0 .
# Run one: docker run --rm quickspin-ai:0.1.0 /usr/local/bin/quickspin-broker

FROM debian:12-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential meson ninja-build pkg-config \
      libzmq3-dev libczmq-dev libjson-c-dev libcurl4-openssl-dev libmongoc-dev libbson-dev \
      libjwt-dev libsqlite3-dev check libcivetweb-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN meson setup /build --buildtype=release -Dprefix=/usr/local \
 && ninja -C /build \
 && mkdir -p /out/bin /out/share \
 && cp /build/gateway/quickspin-gateway /build/gateway/quickspin-broker \
       /build/intent-svc/quickspin-intent /build/workflow-svc/quickspin-workflow \
       /build/knowledge-svc/quickspin-knowledge /build/k8s-svc/quickspin-k8s \
       /build/cli/quickspin /out/bin/ \
 && cp -r knowledge-svc/corpus /out/share/corpus \
 && cp -r gateway/web /out/share/web \
 && (cp -r intent-svc/prompts /out/share/prompts || true) \
 && mkdir -p /out/share/prompts && cp workflow-svc/prompts/*.txt /out/share/prompts/ \
 && (cp /build/intent-svc/*.model /out/share/ 2>/dev/null || true)

FROM debian:12-slim
# Runtime libraries only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libzmq5 libczmq4 libjson-c5 libcurl4 \
      libmongoc-1.0-0 libbson-1.0-0 libjwt0 libsqlite3-0 libcivetweb1 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd -g 10001 quickspin && useradd -u 10001 -g 10001 -M -s /usr/sbin/nologin quickspin \
 && mkdir -p /var/lib/quickspin && chown 10001:10001 /var/lib/quickspin
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /out/share/ /usr/share/quickspin/
ENV QS_DATA_DIR=/var/lib/quickspin \
    QS_KNOWLEDGE_CORPUS=/usr/share/quickspin/corpus \
    QS_WEB_ROOT=/usr/share/quickspin/web \
    QS_PROMPT_DIR=/usr/share/quickspin/prompts \
    QS_LOG_FORMAT=json
USER 10001:10001
EXPOSE 8080 5555 9090
# The gateway's liveness; workers and the broker answer /healthz on QS_METRICS_ADDR.
HEALTHCHECK --interval=10s --timeout=2s CMD ["/usr/local/bin/quickspin", "health"]
CMD ["/usr/local/bin/quickspin-gateway"]
