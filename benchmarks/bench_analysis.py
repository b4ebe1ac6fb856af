"""Long-audio analysis: a three-minute 44.1 kHz stereo song, cold and warm.

Run from the project root: ``python benchmarks/bench_analysis.py``.

Measures, each in a fresh Python process ("cold", as on the first request after
a server starts) and again in the same process ("warm"):

- shared route: ``load_audio`` (decode, mono, resample to 22050 Hz) then
  :func:`musicml.analysis.analyze` (mel, MFCC, chroma, onsets, tempo, beats and key from
  one STFT; beats by the numpy port of librosa's tracker);
- naive route: the same load, then each librosa feature from the raw signal
  (``melspectrogram``, ``mfcc``, ``chroma_stft``, ``onset_detect``, ``beat_track``),
  which imports ``librosa.beat`` and so pays numba's compile of its kernels.

Also: :func:`musicml.analysis.warm_up` (what the app runs in the background at
start), the resident memory before the first request (imports, and warm-up
where run) and the peak resident memory up to the end of the first request.

Measured 2026-12-01 on the 2-core build machine (load average 1-2):

    route                   cold load+analyse   warm   peak MB   beats   BPM
    shared                             2.77 s  0.53 s      319     367   123.0
    naive                              5.56 s  1.23 s      420     367   123.0
    shared after warm_up()             0.53 s  0.55 s      319     367   123.0

    load alone (decode + resample), warm: 0.26 s; warm_up() in a fresh process: 1.9 s.
    With an EMPTY numba cache (a fresh install) warm_up() took 22.2 s: 14.0 s of it is
    `import librosa.util`, whose guvectorize kernels compile for ten signatures on
    import, 5.6 s onset peak picking and backtracking; the next fresh process, with
    the cache filled, took 2.4 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 180.0
REPEATS = 3

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
route = sys.argv[2]
import numpy as np
from musicml.audio import load_audio
t_import = time.perf_counter() - t0

def shared(audio, sr):
    from musicml.analysis import analyze
    a = analyze(audio, sr=sr)
    return len(a.beat_times), a.tempo_bpm

def naive(audio, sr):
    import librosa
    librosa.feature.melspectrogram(y=audio, sr=sr)
    librosa.feature.mfcc(y=audio, sr=sr)
    librosa.feature.chroma_stft(y=audio, sr=sr, tuning=0.0)
    librosa.onset.onset_detect(y=audio, sr=sr, units="time")
    tempo, beats = librosa.beat.beat_track(y=audio, sr=sr, units="time")
    return len(beats), float(np.atleast_1d(tempo)[0])

def warm_up():
    from musicml.analysis import warm_up
    return warm_up()

run = {"shared": shared, "naive": naive}[route]
def rss_mb():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024

out = {"import_s": t_import}
if len(sys.argv) > 3 and sys.argv[3] == "--warm-up-first":
    out["warm_up_s"] = warm_up()
out["rss_before_mb"] = rss_mb()
times = []
for i in range(REPEATS):
    t = time.perf_counter()
    clip = load_audio(sys.argv[1])
    t_load = time.perf_counter() - t
    n_beats, tempo = run(clip.audio, clip.sr)
    times.append({"load_s": t_load, "total_s": time.perf_counter() - t})
    del clip
    if i == 0:  # peak of the first request (later ones are the same or lower)
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out.update(first=times[0], warm=min(times[1:], key=lambda r: r["total_s"]), beats=n_beats,
           tempo=tempo)
print(json.dumps(out))
"""


def make_song(path: Path) -> None:
    import numpy as np
    import soundfile as sf

    from musicml.analysis import example_song

    clip = example_song(bpm=123.0, duration=SECONDS, sr=44100)
    rng = np.random.default_rng(0)
    left = clip.audio + 0.01 * rng.standard_normal(clip.audio.size).astype(np.float32)
    right = 0.8 * clip.audio + 0.01 * rng.standard_normal(clip.audio.size).astype(np.float32)
    sf.write(path, np.stack([left, right], axis=1) * 0.9, 44100, subtype="PCM_16")


def child(path: Path, route: str, *extra: str) -> dict:
    code = CHILD.replace("REPEATS", str(REPEATS))
    result = subprocess.run(
        [sys.executable, "-c", code, str(path), route, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "song.wav"
        make_song(path)
        print(f"song: {SECONDS:.0f} s, 44.1 kHz stereo WAV, {path.stat().st_size / 1e6:.1f} MB")
        rows = {
            "shared": child(path, "shared"),
            "naive": child(path, "naive"),
            "shared after warm_up()": child(path, "shared", "--warm-up-first"),
        }
    print(
        f"{'route':<24}{'imports':>9}{'cold load+analyse':>19}{'warm':>8}{'RSS before':>12}"
        f"{'peak MB':>9}{'beats':>7}{'BPM':>8}"
    )
    for name, row in rows.items():
        print(
            f"{name:<24}{row['import_s']:>8.2f}s{row['first']['total_s']:>18.2f}s"
            f"{row['warm']['total_s']:>7.2f}s{row['rss_before_mb']:>12.0f}{row['peak_mb']:>9.0f}"
            f"{row['beats']:>7}"
            f"{row['tempo']:>8.1f}"
        )
    shared, naive = rows["shared"], rows["naive"]
    print(f"load alone (decode + resample), warm: {shared['warm']['load_s']:.2f} s")
    print(
        f"warm: naive / shared = {naive['warm']['total_s'] / shared['warm']['total_s']:.1f}x; "
        f"cold (first request in a fresh process): naive / shared = "
        f"{naive['first']['total_s'] / shared['first']['total_s']:.1f}x"
    )
    warmed = rows["shared after warm_up()"]
    print(
        f"warm_up() itself took {warmed['warm_up_s']:.2f} s in a fresh process; "
        f"the first request after it: {warmed['first']['total_s']:.2f} s"
    )


if __name__ == "__main__":
    main()
