"""Notes of sampled real instruments: the embedded notes model against the tutorial's recipe.

Run from the project root: ``python benchmarks/bench_real_instruments.py``. For each
General MIDI soundfont found (FluidR3_GM, TimGM6mb, MuseScore_General; Debian packages
``fluid-soundfont-gm``, ``timgm6mb-soundfont``, ``musescore-general-soundfont-small``),
fluidsynth renders every natural note C–B of 30 instruments in octaves 1–7 in ONE call
(one MIDI file, a note every ``slot`` seconds, held ``hold`` seconds: calling fluidsynth
per note reloads the soundfont and is 20x slower). One second from each onset is a clip;
notes outside an instrument's sampled range render silent and are dropped. Quiet clips
(digital zeros, room noise at -60 dBFS) are added as ``silence``. Prints per soundfont:
clips, the accuracy of ``builtin:notes``, of the tutorial's recipe (MISSION.md §1: pure
sines C4–B4 + silence, mel-spectrogram pixels, RBF SVM gamma=0.001) and chance (1/8),
accuracy per octave and the worst instruments.

``--out DIR`` keeps the clips as WAV files, one folder per label (GTZAN layout) in
``DIR/<soundfont>/``, so ``python -m musicml evaluate builtin:notes DIR/TimGM6mb --json``
scores them again. tests/test_notes_on_sampled_instruments.py imports the renderer.
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import SVC

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from musicml import synth
from musicml.audio import DEFAULT_SR, load_audio
from musicml.datasets import SILENCE, Dataset, notes_dataset
from musicml.errors import ParameterError
from musicml.features import mel_spectrogram_db

SOUNDFONTS = (
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    Path("/usr/share/sounds/sf2/TimGM6mb.sf2"),
    Path("/usr/share/sounds/sf3/MuseScore_General.sf3"),
)
"""Debian's General MIDI soundfonts, from fluid-soundfont-gm, timgm6mb-soundfont and
musescore-general-soundfont-small."""

GM_INSTRUMENTS = {
    "piano": 0,
    "electric_piano": 4,
    "harpsichord": 6,
    "vibraphone": 11,
    "xylophone": 13,
    "organ": 19,
    "accordion": 21,
    "nylon_guitar": 24,
    "steel_guitar": 25,
    "clean_guitar": 27,
    "acoustic_bass": 32,
    "finger_bass": 33,
    "violin": 40,
    "viola": 41,
    "cello": 42,
    "harp": 46,
    "strings": 48,
    "choir": 52,
    "trumpet": 56,
    "trombone": 57,
    "horn": 60,
    "alto_sax": 65,
    "oboe": 68,
    "bassoon": 70,
    "clarinet": 71,
    "flute": 73,
    "recorder": 74,
    "ocarina": 79,
    "banjo": 105,
    "kalimba": 108,
}
"""Instrument name → General MIDI program number (0-based)."""

OCTAVES = (1, 2, 3, 4, 5, 6, 7)
SILENCE_DBFS = -60.0
"""RMS level of the room-noise silences (dB full scale)."""
SILENT_RMS = 1e-4
"""A rendered clip quieter than this is a note outside the instrument's sampled range."""
TICKS_PER_SECOND = 960
"""MIDI time base: 480 ticks per quarter note at 120 beats per minute."""
TUTORIAL_TOP_DB = 80.0
"""Dynamic range of the tutorial's spectrogram picture (dB below its peak = black)."""
PIXEL_BATCH = 200
"""Clips whose spectrograms are computed at once (librosa holds each batch's whole STFT)."""


@dataclass(frozen=True)
class Note:
    """One note to render: an instrument, a natural pitch class, an octave, a velocity."""

    instrument: str
    pitch_class: str
    octave: int
    velocity: int

    @property
    def midi(self) -> int:
        return synth.note_to_midi(f"{self.pitch_class}{self.octave}")


@dataclass(eq=False)
class SampledNotes:
    """Labelled clips rendered from one soundfont (notes, then silences).

    Attributes
    ----------
    clips : np.ndarray
        Shape ``(n_clips, n_samples)``, float32 at ``sr``.
    labels, instruments : np.ndarray
        Shape ``(n_clips,)``, str; silences have instrument ``"silence"``.
    octaves : np.ndarray
        Shape ``(n_clips,)``, int; ``-1`` for silences.
    skipped : int
        Notes dropped because the instrument has no sample for them.
    render_seconds : float
        Wall time of fluidsynth and slicing.
    """

    clips: np.ndarray
    labels: np.ndarray
    instruments: np.ndarray
    octaves: np.ndarray
    sr: int
    skipped: int
    render_seconds: float

    @property
    def names(self) -> list[str]:
        """GTZAN-style relative paths: ``C/piano_C4.wav``, ``silence/silence_1420.wav``."""
        names = []
        for i, (label, instrument, octave) in enumerate(
            zip(self.labels, self.instruments, self.octaves, strict=True)
        ):
            stem = f"{instrument}_{label}{octave}" if octave >= 0 else f"{SILENCE}_{i:04d}"
            names.append(f"{label}/{stem}.wav")
        return names

    def dataset(self) -> Dataset:
        return Dataset(clips=self.clips, labels=self.labels, sr=self.sr, names=self.names)


def fluidsynth_missing() -> str | None:
    """Why notes cannot be rendered here (no fluidsynth), or None."""
    if shutil.which("fluidsynth") is None:
        return "fluidsynth is not installed (Debian: apt-get install fluidsynth)"
    return None


def _vlq(value: int) -> bytes:
    """A MIDI variable-length quantity (7 bits a byte, high bit = more follows)."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.insert(0, (value & 0x7F) | 0x80)
        value >>= 7
    return bytes(out)


def midi_file(notes: Sequence[Note], *, slot: float = 3.0, hold: float = 1.5) -> bytes:
    """A one-track MIDI file playing ``notes`` in turn on channel 1.

    Note ``i`` starts at ``i * slot`` seconds and is released ``hold`` seconds later;
    a program change precedes each change of instrument.
    """
    if not 0 < hold < slot:
        raise ParameterError(f"hold must be between 0 and slot ({slot} s); got {hold!r}.")
    events, program = [], None
    for i, note in enumerate(notes):
        start = round(i * slot * TICKS_PER_SECOND)
        if GM_INSTRUMENTS[note.instrument] != program:
            program = GM_INSTRUMENTS[note.instrument]
            events.append((start, bytes([0xC0, program])))
        events.append((start, bytes([0x90, note.midi, note.velocity])))
        events.append((round((i * slot + hold) * TICKS_PER_SECOND), bytes([0x80, note.midi, 0])))
    events.append((round(len(notes) * slot * TICKS_PER_SECOND), b"\xff\x2f\x00"))  # end
    track = bytearray(b"\x00\xff\x51\x03" + (500_000).to_bytes(3, "big"))  # 120 bpm
    now = 0
    for tick, data in events:
        track += _vlq(tick - now) + data
        now = tick
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, TICKS_PER_SECOND // 2)
    return header + b"MTrk" + struct.pack(">I", len(track)) + bytes(track)


def silence_clips(count: int, *, seconds: float = 1.0, sr: int = DEFAULT_SR, seed: int = 0):
    """``count`` quiet clips, in turn digital zeros and white, pink, brown noise at
    :data:`SILENCE_DBFS` RMS. Returns shape ``(count, round(seconds * sr))``, float32."""
    rng = np.random.default_rng(seed)
    n = round(seconds * sr)
    clips = np.zeros((count, n), dtype=np.float32)
    colors = (None, "white", "pink", "brown")
    for i in range(count):
        if colors[i % 4] is not None:
            noise = synth.noise_signal(n, color=colors[i % 4], seed=rng)
            clips[i] = 10.0 ** (SILENCE_DBFS / 20.0) * noise
    return clips


def sampled_notes(
    soundfont: str | Path,
    *,
    instruments: Sequence[str] = tuple(GM_INSTRUMENTS),
    octaves: Sequence[int] = OCTAVES,
    silences: int = 40,
    seconds: float = 1.0,
    slot: float = 3.0,
    hold: float = 1.5,
    sr: int = DEFAULT_SR,
    seed: int = 0,
) -> SampledNotes:
    """Every natural note of ``instruments`` in ``octaves`` from one fluidsynth run.

    Velocities are drawn from 40–120 with ``seed``. Each clip is the first ``seconds``
    of a note (``seconds <= hold``, so the note is still held); then ``silences``
    clips from :func:`silence_clips`.
    """
    if not 0 < seconds <= hold:
        raise ParameterError(f"seconds must be in (0, hold={hold}]; got {seconds!r}.")
    rng = np.random.default_rng(seed)
    notes = [
        Note(instrument, pitch_class, octave, int(rng.integers(40, 121)))
        for instrument in instruments
        for octave in octaves
        for pitch_class in synth.NATURAL_PITCH_CLASSES
    ]
    begin = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="musicml-fluidsynth-") as folder:
        mid, wav = Path(folder) / "notes.mid", Path(folder) / "notes.wav"
        mid.write_bytes(midi_file(notes, slot=slot, hold=hold))
        command = ["fluidsynth", "-ni", "-q", "-g", "0.8", "-r", str(sr), "-F", str(wav)]
        done = subprocess.run(
            [*command, str(soundfont), str(mid)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0 or not wav.is_file():
            raise RuntimeError(f"fluidsynth failed on {soundfont}: {done.stderr.strip()[-500:]}")
        audio = load_audio(wav, sr=sr, max_seconds=None).audio
    n = round(seconds * sr)
    starts = np.round(np.arange(len(notes)) * slot * sr).astype(int)
    audio = np.pad(audio, (0, max(0, starts[-1] + n - len(audio))))
    clips = audio[starts[:, None] + np.arange(n)]
    sounding = np.sqrt(np.mean(clips.astype(np.float64) ** 2, axis=1)) >= SILENT_RMS
    kept = [note for note, keep in zip(notes, sounding, strict=True) if keep]
    render_seconds = time.perf_counter() - begin
    return SampledNotes(
        clips=np.concatenate([clips[sounding], silence_clips(silences, seconds=seconds, sr=sr)]),
        labels=np.array([note.pitch_class for note in kept] + [SILENCE] * silences),
        instruments=np.array([note.instrument for note in kept] + [SILENCE] * silences),
        octaves=np.array([note.octave for note in kept] + [-1] * silences, dtype=int),
        sr=sr,
        skipped=len(notes) - len(kept),
        render_seconds=render_seconds,
    )


# --------------------------------------------------------------------------- tutorial


def spectrogram_pixels(clips, *, sr: int = DEFAULT_SR) -> np.ndarray:
    """The tutorial's features: each clip's 128-band mel power spectrogram in dB below
    its peak, drawn as a grey picture (0 = 80 dB down or less, 1 = the peak) and flattened.

    The tutorial read these pixels (0–1) back from PNG files; the scale matters because
    its RBF SVM's gamma=0.001 is unscaled. Returns shape ``(n_clips, 128 * n_frames)``.
    """
    clips = np.asarray(clips, dtype=np.float32)
    rows = []
    for start in range(0, len(clips), PIXEL_BATCH):
        decibels = mel_spectrogram_db(
            clips[start : start + PIXEL_BATCH], sr=sr, n_mels=128, top_db=TUTORIAL_TOP_DB
        )
        pixels = np.clip(1.0 + decibels / TUTORIAL_TOP_DB, 0.0, 1.0)
        rows.append(pixels.reshape(len(pixels), -1))
    return np.concatenate(rows)


def tutorial_recipe(*, seconds: float = 1.0, sr: int = DEFAULT_SR) -> Pipeline:
    """The tutorial's notes classifier (MISSION.md §1), fitted: one pure sine per natural
    note C4–B4 plus one silence, ``seconds`` long; spectrogram pixels; RBF SVM gamma=0.001."""
    data = notes_dataset(
        per_class=1,
        timbres=["pure"],
        octaves=(4, 4),
        variation=False,
        clip_seconds=seconds,
        sr=sr,
    )
    pipeline = make_pipeline(
        FunctionTransformer(spectrogram_pixels, kw_args={"sr": sr}), SVC(gamma=0.001)
    )
    return pipeline.fit(data.as_array(), data.labels)


# --------------------------------------------------------------------------- report


def accuracy_by(groups: np.ndarray, correct: np.ndarray) -> dict:
    """Group → (correct, total), groups in sorted order."""
    return {
        key: (int(correct[groups == key].sum()), int((groups == key).sum()))
        for key in np.unique(groups).tolist()
    }


def _percent(right: int, total: int) -> str:
    return f"{right / total:>7.1%}" if total else f"{'-':>7}"


def report(notes: SampledNotes, predicted: dict, *, worst: int = 5) -> list[str]:
    """Lines of accuracy per octave (each model) and the worst instruments of
    ``builtin:notes`` with their errors; ``predicted`` maps a model name to its labels."""
    correct = {model: labels == notes.labels for model, labels in predicted.items()}
    octaves = sorted(set(notes.octaves.tolist()) - {-1})
    header = "".join(f"{'oct ' + str(o):>7}" for o in octaves)
    lines = [f"  {'per octave':<16}{header}{SILENCE:>8}"]
    for model, right in correct.items():
        by_octave = accuracy_by(notes.octaves, right)
        cells = "".join(_percent(*by_octave[o]) for o in octaves)
        lines.append(f"  {model:<16}{cells} {_percent(*by_octave.get(-1, (0, 0)))}")
    wrong = ~correct["builtin:notes"]
    by_instrument = accuracy_by(notes.instruments, correct["builtin:notes"])
    ranked = sorted(
        (item for item in by_instrument.items() if item[1][0] < item[1][1]),
        key=lambda item: item[1][0] / item[1][1],
    )[:worst]
    lines.append("  worst for builtin:notes (note → predicted):" + ("" if ranked else " none"))
    for instrument, (right, total) in ranked:
        mine = wrong & (notes.instruments == instrument)
        errors = ", ".join(
            f"{label}{octave}→{guess}" if octave >= 0 else f"→{guess}"
            for label, octave, guess in zip(
                notes.labels[mine],
                notes.octaves[mine],
                predicted["builtin:notes"][mine],
                strict=True,
            )
        )
        lines.append(
            f"    {instrument:<15}{right:4d}/{total:<4d}{_percent(right, total)}  {errors}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--soundfonts",
        type=Path,
        nargs="+",
        default=list(SOUNDFONTS),
        help="soundfont files (.sf2/.sf3); those missing are skipped (default: Debian's three)",
    )
    parser.add_argument(
        "--octaves",
        type=int,
        nargs="+",
        default=list(OCTAVES),
        choices=range(9),
        metavar="N",
        help="octaves to play, 0-8 (4 = middle C's; default: 1 to 7)",
    )
    parser.add_argument("--silences", type=int, default=40, help="silence clips per soundfont")
    parser.add_argument("--worst", type=int, default=5, help="worst instruments to list")
    parser.add_argument("--out", type=Path, help="keep the clips as WAVs: OUT/<soundfont>/<label>/")
    args = parser.parse_args(argv)

    missing = fluidsynth_missing()
    found = [path for path in args.soundfonts if path.is_file()]
    if missing or not found:
        print(missing or f"no soundfont found among {', '.join(map(str, args.soundfonts))}")
        return 1

    from musicml.builtin import builtin_model
    from musicml.dataio import save_dataset_folder

    begin = time.perf_counter()
    models = {"builtin:notes": builtin_model("builtin:notes"), "tutorial recipe": tutorial_recipe()}
    print(
        f"{len(GM_INSTRUMENTS)} GM instruments × octaves {','.join(map(str, args.octaves))} × "
        f"7 natural notes (1 s from the onset) + {args.silences} silences per soundfont; "
        f"chance = 1/8 = {1 / 8:.1%}\n"
    )
    print(
        f"{'soundfont':<20}{'clips':>6}{'skipped':>9}{'builtin:notes':>15}{'tutorial':>10}"
        f"{'chance':>8}{'render s':>10}{'predict s':>11}",
        flush=True,
    )
    details, total_clips = [], 0
    for path in found:
        notes = sampled_notes(path, octaves=args.octaves, silences=args.silences)
        start = time.perf_counter()
        predicted = {name: np.asarray(m.predict(notes.clips)) for name, m in models.items()}
        predict_seconds = time.perf_counter() - start
        accuracy = {name: np.mean(labels == notes.labels) for name, labels in predicted.items()}
        total_clips += len(notes.labels)
        print(
            f"{path.stem:<20}{len(notes.labels):>6}{notes.skipped:>9}"
            f"{accuracy['builtin:notes']:>15.1%}{accuracy['tutorial recipe']:>10.1%}"
            f"{1 / 8:>8.1%}{notes.render_seconds:>10.1f}{predict_seconds:>11.1f}",
            flush=True,
        )
        details += [f"{path.stem}:", *report(notes, predicted, worst=args.worst)]
        if args.out:
            save_dataset_folder(notes.dataset(), args.out / path.stem)
    print("\n".join(["", *details]))
    print(f"\n{total_clips} clips in {time.perf_counter() - begin:.1f} s")
    if args.out:
        print(f"WAVs kept in {args.out}/<soundfont>/<label>/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
