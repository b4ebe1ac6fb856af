"""`analyze AUDIO...`: tempo, beats, onsets and key of audio files."""

from __future__ import annotations

COMMAND = "analyze"
HELP = "find the tempo, beats, onsets and key of audio files"


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description=(
            "Decode each file (mono, resampled to 22050 Hz) and report its duration, tempo, "
            "beat times, onset times and estimated key."
        ),
    )
    parser.add_argument("audio", nargs="+", metavar="AUDIO", help="wav, mp3, flac or ogg files")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args) -> int:
    from musicml.analysis import analyze, summary
    from musicml.audio import load_audio
    from musicml.cli import print_json

    rows = []
    for path in args.audio:
        clip = load_audio(path)
        result = analyze(clip.audio, sr=clip.sr)
        rows.append({"file": path, **summary(result)})
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(
                f"{row['file']}: {row['duration_s']:.2f} s, {row['tempo_bpm']:.1f} BPM, "
                f"{len(row['beat_times'])} beats, {len(row['onset_times'])} onsets, "
                f"key {row['key'] or 'unknown'}"
            )
    return 0
