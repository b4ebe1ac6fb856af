"""The container recipe, checked without a container engine.

This machine has the docker client but no engine, so the image is never built here.
Instead these tests read the Dockerfile and run what the image runs, in this
environment: its CMD (with ``PORT`` set, as a host would), its HEALTHCHECK against
that server, and its build-time warm-up.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as ``(INSTRUCTION, arguments)``, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        result.append((word.upper(), " ".join(rest.split())))
    return result


def arguments(word: str) -> list[str]:
    return [rest for instruction, rest in instructions() if instruction == word]


def env() -> dict[str, str]:
    """The image's ENV settings (``KEY=value`` form)."""
    values = {}
    for rest in arguments("ENV"):
        for item in shlex.split(rest):
            key, _, value = item.partition("=")
            values[key] = value
    return values


def cmd() -> list[str]:
    (rest,) = arguments("CMD")
    return json.loads(rest)


def healthcheck() -> str:
    """The HEALTHCHECK's shell command."""
    (rest,) = arguments("HEALTHCHECK")
    return rest.split(" CMD ", 1)[1]


def _run_user() -> str:
    (user,) = arguments("USER")
    return user


# ----------------------------------------------------------------------------- the recipe


def test_the_image_is_slim_python_311_running_as_a_user_with_its_own_numba_cache():
    (base,) = arguments("FROM")
    assert base == "python:3.11-slim"
    words = [w for w, _ in instructions()]
    user = _run_user()
    assert user not in ("root", "0")
    assert any("useradd" in r and r.endswith(user) for r in arguments("RUN"))
    # numba writes its cache at build time as the runtime user, into the user's home.
    assert env()["NUMBA_CACHE_DIR"].startswith(f"/home/{user}/")
    warm = words.index("RUN", words.index("USER"))
    assert instructions()[warm] == ("RUN", "python -m musicml warm-up")
    assert words.index("USER") < words.index("CMD")


def test_the_image_installs_requirements_txt_and_musicml_itself():
    runs = " && ".join(arguments("RUN"))
    assert "pip install -r" in runs and "requirements.txt" in " ".join(arguments("COPY"))
    assert "pip install --no-deps -e ." in runs
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    assert "-e ." in requirements, "the Dockerfile installs the -e line on its own"


def test_it_serves_app_py_on_port_and_checks_health_on_stcore_health():
    assert env()["PORT"] == "8501"
    assert arguments("EXPOSE") == ["8501"]
    command = cmd()
    assert command[:2] == ["sh", "-c"]
    assert "streamlit run app.py" in command[2]
    assert "--server.port=${PORT:-8501}" in command[2]
    assert "--server.address=0.0.0.0" in command[2]
    assert "/_stcore/health" in healthcheck()
    assert "curl" not in healthcheck() and "wget" not in healthcheck(), "slim has neither"
    assert "--start-period=" in arguments("HEALTHCHECK")[0]


def _ignored(path: str, patterns: list[str]) -> bool:
    parts = Path(path).parts
    return any(
        fnmatch.fnmatch(path, p.removeprefix("**/")) or p.removeprefix("**/") in parts
        for p in patterns
    )


def test_dockerignore_keeps_what_the_app_needs_and_leaves_out_the_rest():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    needed = [
        "app.py",
        "pages/train.py",
        "musicml/ui/share.py",
        "requirements.txt",
        "pyproject.toml",
        "README.md",
        ".streamlit/config.toml",
        "musicml/models_data/notes.skops",
    ]
    for path in needed:
        assert (ROOT / path).exists(), path
        assert not _ignored(path, patterns), path
    for path in [".git", "tests/artifacts/x.png", "musicml/__pycache__/x.pyc", ".venv"]:
        assert _ignored(path, patterns), path


# ----------------------------------------------------------------------------- what it runs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthcheck(port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", "-c", healthcheck()],
        env=os.environ | {"PORT": str(port)},
        capture_output=True,
        timeout=30,
    )


def serve_and_check_health(tmp_path: Path, bin_dir: str) -> None:
    """Run the image's CMD with ``python`` from ``bin_dir``; wait for its HEALTHCHECK to pass."""
    port = _free_port()
    assert _healthcheck(port).returncode != 0, "no server yet: the check must fail"
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        cmd(),
        cwd=ROOT,  # the image's WORKDIR holds this tree
        env=os.environ
        | env()
        | {
            "PORT": str(port),
            "NUMBA_CACHE_DIR": str(tmp_path / "numba"),
            "PATH": bin_dir + os.pathsep + os.environ["PATH"],
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60  # the HEALTHCHECK's start period
        while (result := _healthcheck(port)).returncode != 0:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, result.stderr.decode()[-2000:]
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
    assert process.returncode in (0, -signal.SIGTERM), "stops cleanly on SIGTERM"


@pytest.mark.slow
def test_the_images_command_serves_the_app_and_its_healthcheck_passes(tmp_path):
    serve_and_check_health(tmp_path, os.path.dirname(sys.executable))


@pytest.mark.slow
@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("MUSICML_FRESH_VENV") != "1",
    reason="installs every requirement from the index (minutes): set MUSICML_FRESH_VENV=1",
)
def test_the_images_steps_work_in_a_fresh_venv(tmp_path):
    """The Dockerfile's RUN steps in a new virtual environment, then its CMD and HEALTHCHECK."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    dependencies = tmp_path / "dependencies.txt"
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    dependencies.write_text("\n".join(line for line in lines if not line.startswith("-e ")))
    for step in (
        [python, "-m", "pip", "install", "-q", "-r", str(dependencies)],
        [python, "-m", "pip", "install", "-q", "--no-deps", "-e", "."],
        [python, "-m", "musicml", "warm-up"],
    ):
        result = subprocess.run(
            step,
            cwd=ROOT,
            env=os.environ | {"NUMBA_CACHE_DIR": str(tmp_path / "numba")},
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert result.returncode == 0, (step, result.stderr[-3000:])
    serve_and_check_health(tmp_path, str(venv / "bin"))
