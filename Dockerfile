# One image for every service: `python -m bot slack`, `python -m bot discord`, and the
# maintenance jobs (`sync`, `health`, `index`, `pins ...`). See docker-compose.yml.
FROM python:3.11-slim

# git: `python -m bot sync` clones the archive. Nothing else is needed at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Dependencies and package first: a knowledge-only change rebuilds one small layer.
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .

# The sample knowledge ships in the image; synced archives live in the data volume.
COPY knowledge ./knowledge

# Run as an unprivileged user that owns only the data folder.
RUN useradd --system --create-home --uid 10001 bot \
    && mkdir -p /data \
    && chown bot:bot /data
USER bot

ENV BOT_DATA_DIR=/data \
    BOT_KNOWLEDGE=/app/knowledge
VOLUME ["/data"]

HEALTHCHECK --interval=60s --timeout=30s --start-period=120s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

# Compose picks the service's command; alone, the image runs the Slack app.
CMD ["python", "-m", "bot", "slack"]
