# Pinned by exact version (bump deliberately, with the tests): Python 3.11 on Debian bookworm.
FROM python:3.11.10-slim-bookworm
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 FACTDESK_LOG_FORMAT=json
COPY pyproject.toml README.md ./
COPY src ./src
COPY workers ./workers
RUN pip install --no-cache-dir . flower==2.0.1
RUN useradd --create-home factdesk
USER factdesk
EXPOSE 8000
# docker-compose.yml gives each service its own check (api, worker, beat); this one is for the image's default.
HEALTHCHECK --interval=10s --timeout=10s --start-period=30s --retries=3 \
  CMD ["factdesk", "health", "api", "--url", "http://127.0.0.1:8000/readyz"]
CMD ["factdesk", "api", "--host", "0.0.0.0", "--port", "8000"]
