# musicml in a container: `docker build -t musicml .` then `docker run -p 8501:8501 musicml`.
# The README's Deploy section has the steps; tests/test_deploy.py runs these commands.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501 \
    NUMBA_CACHE_DIR=/home/musicml/.cache/musicml/numba \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none

# CJK fonts (Chinese and Japanese pages): for anything that renders the app inside the
# container, such as a headless browser taking screenshots; visitors' browsers use their own.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# The runtime user: not root. numba's cache lives in its home, written at build time below.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin musicml

WORKDIR /app

# Dependencies first (their layer is reused while only the code changes), then musicml
# itself, editable, exactly as requirements.txt's last line installs it.
COPY requirements.txt ./
RUN grep -v '^-e ' requirements.txt > /tmp/dependencies.txt \
    && pip install -r /tmp/dependencies.txt \
    && rm /tmp/dependencies.txt
COPY --chown=musicml:musicml . .
RUN pip install --no-deps -e .

USER musicml
# Compile librosa's numba kernels into the cache now, so no visitor waits ~20 s for them.
RUN python -m musicml warm-up

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, sys, urllib.request; url = 'http://127.0.0.1:' + os.environ.get('PORT', '8501') + '/_stcore/health'; sys.exit(0 if urllib.request.urlopen(url, timeout=4).read() == b'ok' else 1)"

# A shell, so $PORT (set by the host, e.g. a PaaS) picks the port; exec hands it the signals.
CMD ["sh", "-c", "exec python -m streamlit run app.py --server.port=${PORT:-8501} --server.address=0.0.0.0"]
