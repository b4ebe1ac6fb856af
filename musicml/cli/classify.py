"""`classify AUDIO...`: label every segment of songs or recordings."""

from __future__ import annotations

COMMAND = "classify"
HELP = "label every segment of audio files with a model"


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description=(
            "Cut each file into fixed windows (or at detected onsets) and label every piece "
            "with MODEL (a .skops file or builtin:notes / builtin:sound-silence)."
        ),
    )
    parser.add_argument("audio", nargs="+", metavar="AUDIO", help="wav, mp3, flac or ogg files")
    parser.add_argument("--model", default="builtin:notes", help="default: builtin:notes")
    parser.add_argument(
        "--segment",
        default=None,
        metavar="SECONDS|onsets",
        help="window length in seconds, or 'onsets'; default: the model's clip length (1 s "
        "for the built-in models)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def _segment(text: str | None):
    from musicml.errors import ParameterError

    if text is None or text == "onsets":
        return text
    try:
        seconds = float(text)
    except ValueError:
        raise ParameterError(
            "--segment must be a number of seconds or 'onsets'; got {text!r}.", text=text
        ) from None
    from musicml.audio import MAX_DURATION_SECONDS
    from musicml.classify import MIN_SEGMENT_SECONDS

    # At most a day: 1e308 seconds would overflow int(seconds * sr) when windows are cut.
    if not MIN_SEGMENT_SECONDS <= seconds <= MAX_DURATION_SECONDS:
        raise ParameterError(
            "--segment must be from {min_segment_seconds:g} to {max_duration_seconds:g} "
            "seconds (or 'onsets'); got {text!r}.",
            min_segment_seconds=MIN_SEGMENT_SECONDS,
            max_duration_seconds=MAX_DURATION_SECONDS,
            text=text,
        )
    return seconds


def run(args) -> int:
    from musicml.audio import load_audio
    from musicml.builtin import load_any_model
    from musicml.classify import classify_clip
    from musicml.cli import print_json

    segment = _segment(args.segment)
    model = load_any_model(args.model)
    documents = []
    for path in args.audio:
        clip = load_audio(path, sr=model.sr)
        result = classify_clip(clip, model, segment=segment)
        documents.append(
            {
                "file": path,
                "duration_s": round(result.duration_s, 6),
                "model": args.model,
                "segments": result.rows(),
                "summary": result.summary(),
            }
        )
    if args.json:
        print_json(documents)
        return 0
    for document in documents:
        summary = document["summary"]
        print(
            f"{document['file']} ({document['duration_s']:.1f} s): {summary['label']} "
            f"({summary['distribution'][summary['label']]:.0%} of the time)"
        )
        for s in document["segments"]:
            print(
                f"  {s['start_s']:8.2f}–{s['end_s']:8.2f} s  {s['label']:<10} {s['confidence']:.0%}"
            )
    return 0
