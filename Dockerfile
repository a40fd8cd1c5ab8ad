# Production image: gunicorn, non-root, configuration from the environment.
#   docker build -t scanfloor .
#   docker run -e SECRET_KEY=... -e DATABASE_URL=postgresql://... -p 8000:8000 scanfloor
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md requirements/app.lock ./
COPY server ./server
# Exactly the locked versions, checked against their hashes; then the project without deps.
RUN pip install --no-cache-dir --upgrade pip \
 && pip wheel --no-cache-dir --require-hashes --wheel-dir /wheels -r app.lock \
 && pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SCANFLOOR_MIGRATIONS=/app/migrations \
    SCANFLOOR_SCANNER_UI=/app/scanner_ui \
    SCANFLOOR_LABEL_TEMPLATES=/app/label_templates \
    PORT=8000
RUN useradd --create-home --uid 10001 scanfloor
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index /wheels/* && rm -rf /wheels
WORKDIR /app
COPY migrations ./migrations
COPY label_templates ./label_templates
COPY scanner_ui ./scanner_ui
COPY docker/entrypoint.sh /usr/local/bin/scanfloor-entrypoint
RUN chmod 0755 /usr/local/bin/scanfloor-entrypoint && mkdir -p /app/var && chown scanfloor /app/var
USER scanfloor
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT','8000'))"
ENTRYPOINT ["scanfloor-entrypoint"]
