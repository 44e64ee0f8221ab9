# One image for every service: `python -m bot slack`, `python -m bot discord`, and the
# maintenance jobs (`sync`, `health`, `index`, `pins ...`). See docker-compose.yml.
FROM python:3.11-slim

# git: `python -m bot sync` clones the archive. Nothing else is needed at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user that owns only the data folder (the services run as it, below).
RUN useradd --system --create-home --uid 10001 bot \
    && mkdir -p /data \
    && chown bot:bot /data

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    BOT_DATA_DIR=/data \
    BOT_KNOWLEDGE=/app/knowledge
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=30s --start-period=120s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

WORKDIR /app
# 1. The dependencies, at the exact versions of constraints.txt, in a layer of their own:
#    rebuilt only when pyproject.toml or constraints.txt change, never for a code edit.
#    (The list comes from pyproject.toml; the build backend comes too, for step 3.)
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt setuptools \
    && rm /tmp/requirements.txt

# 2. The sample knowledge, which changes less often than the code; synced archives live
#    in the data volume.
COPY knowledge ./knowledge

# 3. The bot itself: everything after this line is all a code edit rebuilds, and it
#    downloads nothing.
COPY README.md ./
COPY bot ./bot
RUN pip install --no-deps --no-build-isolation .

USER bot
# Compose picks the service's command; alone, the image runs the Slack app. It stops
# cleanly on SIGTERM (docker stop), answering what it acknowledged first.
CMD ["python", "-m", "bot", "slack"]
