"""Speed of classifying and training.

Run from the project root: ``python benchmarks/bench_classify.py``. Prints:

- classifying a three-minute song with each embedded model (cold = first call
  including loading the model file, warm = a second call), target ≤ 2 s warm;
- training on 2,000 one-second clips (features + logistic regression), target: seconds;
- saving and loading a model file.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from musicml.audio import DEFAULT_SR, Clip
from musicml.builtin import builtin_model, example_melody
from musicml.classify import classify_clip
from musicml.datasets import sound_silence_dataset
from musicml.models import train_classifier
from musicml.persistence import load_model, model_bytes

SR = DEFAULT_SR


def song(seconds: float = 180.0) -> Clip:
    """A three-minute 'song': the example melody repeated, with a little noise."""
    audio, _ = example_melody(sr=SR)
    reps = int(np.ceil(seconds * SR / len(audio)))
    audio = np.tile(audio, reps)[: int(seconds * SR)]
    audio = audio + 0.003 * np.random.default_rng(0).standard_normal(len(audio)).astype(np.float32)
    return Clip(audio.astype(np.float32), SR, "song")


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    out = function(*args, **kwargs)
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=2000, help="clips for the training test")
    args = parser.parse_args()

    clip = song()
    print(f"Classifying a {clip.duration:.0f} s song (1 s windows)")
    for name in ("builtin:notes", "builtin:sound-silence"):
        builtin_model.cache_clear()
        start = time.perf_counter()
        model = builtin_model(name)
        result = classify_clip(clip, model, segment=1.0)
        cold = time.perf_counter() - start
        warm = min(timed(classify_clip, clip, model, segment=1.0)[1] for _ in range(3))
        onsets = timed(classify_clip, clip, model, segment="onsets")
        print(
            f"  {name:<22} cold {cold:5.2f} s   warm {warm:5.2f} s   "
            f"onsets {onsets[1]:5.2f} s ({len(onsets[0].segments)} segments); "
            f"{len(result.segments)} windows, mostly {result.label}"
        )

    per_class = args.clips // 2
    data, seconds = timed(sound_silence_dataset, per_class=per_class, sr=SR, seed=0)
    print(f"\nTraining on {len(data)} one-second clips (data made in {seconds:.2f} s)")
    for features in ("mel", "mfcc", "chroma", "fft"):
        result, total = timed(train_classifier, data, features=features, model="logreg")
        print(
            f"  {features:<7} features {result.feature_seconds:5.2f} s "
            f"({len(data) / result.feature_seconds:6.0f} clips/s)   fit {result.seconds:5.2f} s   "
            f"total {total:5.2f} s   held-out accuracy {result.accuracy:.1%}"
        )

    model = result.model
    data_bytes, save = timed(model_bytes, model)
    _, load = timed(load_model, data_bytes)
    print(
        f"\nModel file: {len(data_bytes) / 1024:.0f} kB, save {save * 1000:.0f} ms, "
        f"checked load {load * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
