"""`transcribe AUDIO...`: the notes of melodies (start, end, pitch), as JSON or MIDI files."""

from __future__ import annotations

COMMAND = "transcribe"
HELP = "the notes of melodies: start, end, pitch class and MIDI number"


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description=(
            "Track the notes of each file frame by frame with MODEL (a notes model: "
            "builtin:chromatic names all twelve pitch classes, builtin:notes the natural "
            "seven) and print them; rests are the gaps between notes. --midi writes one "
            ".mid per file; --truth scores the notes against a CSV (start_s,end_s,label) "
            "or MIDI file."
        ),
    )
    parser.add_argument("audio", nargs="+", metavar="AUDIO", help="wav, mp3, flac or ogg files")
    parser.add_argument("--model", default="builtin:chromatic", help="default: builtin:chromatic")
    parser.add_argument("--midi", default=None, metavar="DIR", help="write DIR/<file>.mid")
    parser.add_argument(
        "--truth",
        default=None,
        metavar="FILE",
        help="ground truth (CSV start_s,end_s,label or .mid) for every AUDIO; adds 'scores'",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from musicml.audio import load_audio
    from musicml.builtin import load_any_model
    from musicml.cli import print_json
    from musicml.errors import ParameterError
    from musicml.transcription import (
        notes_to_midi,
        read_truth,
        transcribe,
        transcription_scores,
    )

    model = load_any_model(args.model)
    truth = read_truth(args.truth) if args.truth else None
    out = Path(args.midi) if args.midi else None
    if out is not None:
        if out.exists() and not out.is_dir():
            raise ParameterError("--midi must name a folder; {out!r} is a file.", out=str(out))
        out.mkdir(parents=True, exist_ok=True)
    documents = []
    for path in args.audio:
        clip = load_audio(path, sr=model.sr)
        result = transcribe(clip, model)
        document = {
            "file": path,
            "duration_s": round(result.duration_s, 6),
            "model": args.model,
            "notes": result.rows(),
        }
        if truth is not None:
            document["scores"] = transcription_scores(
                truth, result.notes, duration_s=result.duration_s
            )
        if out is not None:
            (out / f"{Path(path).stem}.mid").write_bytes(notes_to_midi(result.notes))
        documents.append(document)
    if args.json:
        print_json(documents)
        return 0
    for document in documents:
        notes = document["notes"]
        print(f"{document['file']} ({document['duration_s']:.1f} s): {len(notes)} notes")
        for n in notes:
            pitch = "" if n["midi"] is None else f" (MIDI {n['midi']})"
            print(
                f"  {n['start_s']:8.2f}–{n['end_s']:8.2f} s  {n['label']:<4}{pitch:<11} "
                f"{n['confidence']:.0%}"
            )
        if "scores" in document:
            s = document["scores"]
            print(
                f"  against the truth: frame accuracy {s['frame_accuracy']:.1%}, note F1 "
                f"{s['note_f1']:.1%} (precision {s['note_precision']:.1%}, recall "
                f"{s['note_recall']:.1%})"
            )
    return 0
