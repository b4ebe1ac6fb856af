"""How fast are mel features? The same one-second clips, four ways.

1. ``batched``: musicml's FeatureExtractor(kind="mel") on the whole batch (one
   stacked STFT, one filter-bank product, segment statistics).
2. ``librosa-loop``: a Python loop calling librosa.feature.melspectrogram and
   power_to_db per clip, then the same mean/std summary.
3. ``tutorial``: the tutorial's route: draw each clip's mel spectrogram with
   matplotlib, save it as a PNG, read the PNG back and use its pixels.
   Needs matplotlib (not a dependency of musicml: ``pip install matplotlib``);
   skipped with a message when it is missing. It is slow, so by default it is
   measured on at most ``--tutorial-max`` clips and its rate extrapolated.
4. ``rfft-floor``: only framing, windowing and a real FFT of the same frames:
   the least any STFT-based feature can cost.

Each (route, size) runs in a fresh Python process. "peak MB" is that
process's peak resident memory (imports, about 250 MB, and the clips, 88 kB
each, included); "+MB" is how far the route raised it above the memory in use
just before it ran (what the feature computation itself costs). Times are the
best of three runs for up to 200 clips, one run above that.

Run: ``python benchmarks/bench_features.py [--sizes 20 200 2000] [--json]``.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SR = 22050
N_FFT = 2048
HOP = 512
N_MELS = 128
ROUTES = ("batched", "librosa-loop", "tutorial", "rfft-floor")
TARGET_RATE = 1000.0
TARGET_SECONDS_2000 = 3.0
TARGET_MB = 500.0
TARGET_FLOOR_RATIO = 3.0


def _peak_mb() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _current_mb() -> float:
    """Resident memory of this process now (Linux)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def make_clips(n: int, seed: int = 0):
    """``n`` one-second clips: tones of random pitch and loudness with a little noise.

    Made in blocks of float32, so building them does not itself raise the
    process's peak memory much above the clips' own size.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    t = (np.arange(SR) / SR).astype(np.float32)
    clips = np.empty((n, SR), dtype=np.float32)
    for start in range(0, n, 100):
        rows = slice(start, min(n, start + 100))
        k = rows.stop - rows.start
        freqs = rng.uniform(100.0, 4000.0, (k, 1)).astype(np.float32)
        amps = rng.uniform(0.05, 0.9, (k, 1)).astype(np.float32)
        noise = 0.01 * rng.standard_normal((k, SR), dtype=np.float32)
        clips[rows] = amps * np.sin(2 * np.pi * freqs * t) + noise
    return clips


def route_batched(clips):
    from musicml.features import FeatureExtractor

    return FeatureExtractor(kind="mel", sr=SR, n_fft=N_FFT, hop_length=HOP).transform(clips)


def route_librosa_loop(clips):
    import librosa
    import numpy as np

    rows = []
    for clip in clips:
        power = librosa.feature.melspectrogram(
            y=clip, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS
        )
        db = librosa.power_to_db(power, ref=1.0, amin=1e-10, top_db=None)
        rows.append(np.concatenate([db.mean(axis=1), db.std(axis=1)]))
    return np.stack(rows)


def route_tutorial(clips):
    import librosa
    import matplotlib

    matplotlib.use("Agg")
    import librosa.display
    import matplotlib.pyplot as plt
    import numpy as np

    rows = []
    for clip in clips:
        power = librosa.feature.melspectrogram(
            y=clip, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS
        )
        db = librosa.power_to_db(power, ref=np.max)
        fig = plt.figure(figsize=(10, 4))
        librosa.display.specshow(db, sr=SR, hop_length=HOP, x_axis="time", y_axis="mel")
        plt.colorbar(format="%+2.0f dB")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)  # the tutorial kept every figure open; closing is the kind version
        buffer.seek(0)
        pixels = plt.imread(buffer)
        rows.append(pixels.reshape(-1))
    return np.stack(rows)


def route_rfft_floor(clips):
    import numpy as np
    import scipy.fft
    import scipy.signal

    from musicml.features import FFT_WORKERS, MAX_FRAMES_PER_CHUNK

    window = scipy.signal.get_window("hann", N_FFT, fftbins=True).astype(np.float32)
    per_clip = 1 + clips.shape[1] // HOP
    block = max(1, MAX_FRAMES_PER_CHUNK // per_clip)
    out = 0.0
    for start in range(0, len(clips), block):
        padded = np.pad(clips[start : start + block], ((0, 0), (N_FFT // 2, N_FFT // 2)))
        frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT, axis=1)[:, ::HOP]
        chunk = frames * window
        spectrum = scipy.fft.rfft(chunk, axis=-1, workers=FFT_WORKERS)
        out += float(np.abs(spectrum)[..., 0].sum())
    return out


FUNCTIONS = {
    "batched": route_batched,
    "librosa-loop": route_librosa_loop,
    "tutorial": route_tutorial,
    "rfft-floor": route_rfft_floor,
}


def worker(route: str, n: int) -> dict:
    """Time one route on ``n`` clips in this (fresh) process."""
    sys.path.insert(0, str(ROOT))
    import numpy as np  # noqa: F401  (imported before the baseline)

    if route == "tutorial":
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return {"route": route, "n": n, "skipped": "matplotlib is not installed"}
    clips = make_clips(n)
    FUNCTIONS[route](make_clips(2, seed=1))  # warm-up: imports, filter banks, numba
    baseline = _current_mb()
    repeats = 3 if n <= 200 and route != "tutorial" else 1
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        FUNCTIONS[route](clips)
        best = min(best, time.perf_counter() - start)
    peak = _peak_mb()
    return {
        "route": route,
        "n": n,
        "repeats": repeats,
        "seconds": best,
        "clips_per_s": n / best,
        "peak_mb": peak,
        "baseline_mb": baseline,
        "growth_mb": peak - baseline,
    }


def measure(route: str, n: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", route, str(n)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if out.returncode != 0:
        return {"route": route, "n": n, "skipped": f"failed: {out.stderr.strip()[-300:]}"}
    return json.loads(out.stdout)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 200, 2000])
    parser.add_argument("--routes", nargs="+", choices=ROUTES, default=list(ROUTES))
    parser.add_argument(
        "--tutorial-max",
        type=int,
        default=100,
        help="measure the tutorial route on at most this many clips (100)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--worker", nargs=2, metavar=("ROUTE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]))))
        return 0

    results = []
    for n in args.sizes:
        for route in args.routes:
            measured_n = min(n, args.tutorial_max) if route == "tutorial" else n
            row = measure(route, measured_n)
            row["requested_n"] = n
            results.append(row)
            if not args.json:
                _print_row(row)
    summary = _summary(results, args.sizes)
    if args.json:
        print(json.dumps({"results": results, "summary": summary}, indent=2))
    else:
        print()
        for line in summary["lines"]:
            print(line)
    return 0


def _print_row(row: dict) -> None:
    name = f"{row['route']:<13} n={row['requested_n']:<5}"
    if "skipped" in row:
        print(f"{name} skipped: {row['skipped']}")
        return
    note = ""
    if row["n"] != row["requested_n"]:
        note = f"  (measured on {row['n']} clips, rate extrapolated)"
    print(
        f"{name} {row['seconds']:8.3f} s  {row['clips_per_s']:9.1f} clips/s  "
        f"peak {row['peak_mb']:7.0f} MB  +{row['growth_mb']:6.0f} MB{note}",
        flush=True,
    )


def _summary(results: list[dict], sizes: list[int]) -> dict:
    lines = ["Ratios (batched clips/s divided by the route's clips/s; floor = rfft-floor):"]
    ok = {}
    for n in sizes:
        rows = {r["route"]: r for r in results if r["requested_n"] == n and "skipped" not in r}
        if "batched" not in rows:
            continue
        fast = rows["batched"]["clips_per_s"]
        parts = [
            f"{route} x{fast / row['clips_per_s']:.1f}"
            for route, row in rows.items()
            if route not in ("batched", "rfft-floor")
        ]
        if "rfft-floor" in rows:
            floor = rows["rfft-floor"]["clips_per_s"] / fast
            parts.append(f"floor is x{floor:.2f} faster than batched")
            ok[f"within {TARGET_FLOOR_RATIO:g}x of the rfft floor (n={n})"] = (
                floor <= TARGET_FLOOR_RATIO
            )
        lines.append(f"  n={n}: " + ", ".join(parts))
        if n >= 200:
            ok[f">= {TARGET_RATE:g} clips/s (n={n})"] = fast >= TARGET_RATE
        if n == 2000:
            ok[f"2000 clips in < {TARGET_SECONDS_2000:g} s"] = (
                rows["batched"]["seconds"] < TARGET_SECONDS_2000
            )
            ok[f"memory for the features < {TARGET_MB:g} MB (n=2000)"] = (
                rows["batched"]["growth_mb"] < TARGET_MB
            )
    lines.append("Targets for the batched mel features:")
    lines += [f"  {'PASS' if passed else 'FAIL'}  {name}" for name, passed in ok.items()]
    return {"lines": lines, "targets": ok}


if __name__ == "__main__":
    sys.exit(main())
