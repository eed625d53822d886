FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY src ./src
COPY workers ./workers
RUN pip install --no-cache-dir . flower
RUN useradd --create-home factdesk
USER factdesk
EXPOSE 8000
CMD ["factdesk", "api", "--host", "0.0.0.0", "--port", "8000"]
