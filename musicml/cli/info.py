"""`info AUDIO...`: duration and sample rate of audio files."""

from __future__ import annotations

from musicml.audio import load_audio

COMMAND = "info"
HELP = "show duration and sample rate of audio files"


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description="Decode audio files and report what they hold.",
    )
    parser.add_argument("audio", nargs="+", metavar="AUDIO", help="wav, mp3, flac or ogg files")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args) -> int:
    from musicml.cli import print_json

    rows = []
    for path in args.audio:
        clip = load_audio(path, sr=None)
        rows.append({"file": path, "duration_s": round(clip.duration, 6), "sr": clip.sr})
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(f"{row['file']}: {row['duration_s']:.2f} s at {row['sr']} Hz")
    return 0
