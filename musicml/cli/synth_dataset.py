"""`synth-dataset --kind KIND --out DIR`: write a synthetic labelled data set as WAV files."""

from __future__ import annotations

COMMAND = "synth-dataset"
HELP = "write a synthetic labelled data set (WAV files + labels.csv)"


def _kinds() -> tuple[str, ...]:
    from musicml.datasets import DATASET_KINDS

    return tuple(DATASET_KINDS)


def add_parser(subparsers) -> None:
    from musicml.cli import positive_float, positive_int, seed
    from musicml.datasets import MAX_CLIP_SECONDS
    from musicml.synth import TIMBRES
    from musicml.validation import sr_type

    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description=(
            "Synthesize a labelled data set and write it to DIR: one WAV file per clip, "
            "labels.csv (file,label) and settings.json. The same seed gives byte-identical "
            "files. Kinds: sound-silence (the tutorial's), notes (pitch classes + silence, "
            "varied timbre, octave, envelope, loudness, reverb and noise), timbre (labels "
            "are timbre presets, pitch varied)."
        ),
    )
    parser.add_argument("--kind", choices=_kinds(), required=True)
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--per-class", type=positive_int, default=20, help="clips per label (20)")
    parser.add_argument("--seed", type=seed, default=0, help="random seed (0)")
    parser.add_argument(
        "--sr", type=sr_type("--sr"), default=22050, help="sample rate in Hz (22050)"
    )
    parser.add_argument(
        "--clip-seconds",
        type=positive_float,
        default=1.0,
        help=f"clip length, at most {MAX_CLIP_SECONDS:g} s (1.0)",
    )
    parser.add_argument(
        "--pitch-classes",
        choices=("natural", "chromatic"),
        default="natural",
        help="notes: C D E F G A B, or all twelve (natural)",
    )
    parser.add_argument(
        "--octaves",
        type=int,
        nargs=2,
        default=(2, 6),
        metavar=("LOW", "HIGH"),
        help="notes: octave range, inclusive (2 6)",
    )
    parser.add_argument(
        "--timbres",
        default=None,
        help=f"comma-separated presets ({','.join(TIMBRES)}); default: all of them for "
        "notes, all but pure for timbre",
    )
    parser.add_argument("--no-silence", action="store_true", help="notes: no silence class")
    parser.add_argument(
        "--no-variation", action="store_true", help="notes/timbre: clean, centred notes"
    )
    parser.add_argument(
        "--silence-noise-db",
        type=float,
        default=None,
        help="sound-silence: noise level of the silences in dB full scale, below 0 (none)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def _check(args, timbres: list[str] | None) -> None:
    """Refuse settings that make no sense or would not fit in memory."""
    import math

    from musicml.datasets import MAX_CLIP_SECONDS, MAX_SYNTH_SECONDS, dataset_kind
    from musicml.errors import ParameterError

    if args.clip_seconds > MAX_CLIP_SECONDS:
        raise ParameterError(
            "--clip-seconds must be at most {max_clip_seconds:g}; got {clip_seconds:g}.",
            max_clip_seconds=MAX_CLIP_SECONDS,
            clip_seconds=args.clip_seconds,
        )
    db = args.silence_noise_db
    if db is not None and not (math.isfinite(db) and db < 0):
        raise ParameterError(
            "--silence-noise-db must be a level below 0 dB (e.g. -60); got {db:g}.", db=db
        )
    n_classes = dataset_kind(args.kind).n_classes(
        pitch_classes=args.pitch_classes, include_silence=not args.no_silence, timbres=timbres
    )
    if args.kind == "timbre" and n_classes < 2:
        raise ParameterError("--timbres must name at least two presets to tell apart.")
    total = n_classes * args.per_class * args.clip_seconds
    if total > MAX_SYNTH_SECONDS:
        raise ParameterError(
            "that is {total:,.0f} s of audio; at most {max_total_seconds:,.0f} s are written. "
            "Use fewer or shorter clips.",
            total=total,
            max_total_seconds=MAX_SYNTH_SECONDS,
        )


def build(args):
    """The data set the arguments describe."""
    from musicml import datasets

    timbres = None
    if args.timbres:
        timbres = [t.strip() for t in args.timbres.split(",") if t.strip()]
    _check(args, timbres)
    common = {"per_class": args.per_class, "seed": args.seed, "sr": args.sr}
    common["clip_seconds"] = args.clip_seconds
    if args.kind == "sound-silence":
        return datasets.sound_silence_dataset(**common, silence_noise_db=args.silence_noise_db)
    if args.kind == "notes":
        return datasets.notes_dataset(
            **common,
            pitch_classes=args.pitch_classes,
            octaves=tuple(args.octaves),
            timbres=timbres,
            include_silence=not args.no_silence,
            variation=not args.no_variation,
        )
    return datasets.timbre_dataset(**common, timbres=timbres, variation=not args.no_variation)


def run(args) -> int:
    from musicml.cli import print_json
    from musicml.dataio import save_dataset_folder

    dataset = build(args)
    files = save_dataset_folder(dataset, args.out)
    summary = {
        "out": str(args.out),
        "kind": args.kind,
        "n_clips": len(dataset),
        "classes": dataset.counts,
        "sr": dataset.sr,
        "seed": args.seed,
        "labels_csv": "labels.csv",
    }
    if args.json:
        print_json(summary)
    else:
        counts = ", ".join(f"{k} {v}" for k, v in dataset.counts.items())
        print(f"wrote {len(files)} WAV files + labels.csv to {args.out} ({counts})")
    return 0
