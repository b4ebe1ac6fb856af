"""`evaluate MODEL DATA`: score a saved or built-in model on labelled audio."""

from __future__ import annotations

COMMAND = "evaluate"
HELP = "score a model on labelled audio (accuracy, per class, confusion)"


def add_parser(subparsers) -> None:
    from musicml.builtin import MAX_PER_CLASS
    from musicml.cli import seed
    from musicml.dataio import MAX_FILE_SECONDS
    from musicml.validation import float_type, int_type

    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description=(
            "Score MODEL (a .skops file or builtin:notes / builtin:sound-silence) on every clip "
            "of DATA (a folder with class sub-folders, a folder or zip with labels.csv, or a "
            "builtin data set, generated with --seed so it differs from the training data)."
        ),
    )
    parser.add_argument("model", metavar="MODEL", help=".skops file or builtin name")
    parser.add_argument("data", metavar="DATA", help="labelled audio")
    parser.add_argument("--seed", type=seed, default=2024, help="seed of builtin data sets")
    parser.add_argument(
        "--per-class",
        type=int_type("--per-class", maximum=MAX_PER_CLASS),
        default=None,
        help="clips per class for builtin data sets",
    )
    parser.add_argument(
        "--seconds-per-file",
        type=float_type("--seconds-per-file", maximum=MAX_FILE_SECONDS),
        default=None,
        metavar="S",
        help="use only the first S seconds of each file",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args) -> int:
    from musicml.builtin import load_any_model
    from musicml.cli import print_json

    model = load_any_model(args.model)
    if str(args.data).startswith("builtin:"):
        report = _builtin_report(model, args)
    else:
        report = _streamed_report(model, args)
    if args.json:
        print_json(report)
        return 0
    n_clips = sum(scores["support"] for scores in report["per_class"].values())
    print(f"{args.model} on {args.data}: accuracy {report['accuracy']:.1%} ({n_clips} clips)")
    width = max(len(c) for c in report["per_class"])
    print(f"{'class':<{width}}  precision  recall     f1  support")
    for label, scores in report["per_class"].items():
        print(
            f"{label:<{width}}  {scores['precision']:9.2f}  {scores['recall']:6.2f}  "
            f"{scores['f1']:5.2f}  {scores['support']:7d}"
        )
    return 0


def _builtin_report(model, args) -> dict:
    """A builtin data set is generated in memory, as for training."""
    from musicml.cli import load_dataset
    from musicml.evaluation import evaluate_model

    return evaluate_model(model, load_dataset(args, sr=model.sr))


def _streamed_report(model, args) -> dict:
    """The user's audio is decoded batch by batch: memory stays bounded at any size."""
    from musicml import dataio
    from musicml.cli import print_notes
    from musicml.evaluation import evaluate_stream

    files = dataio.labelled_files(args.data, max_files=dataio.STREAM_MAX_FILES)
    batches = dataio.labelled_batches(
        files, sr=model.sr, max_seconds_per_file=args.seconds_per_file
    )
    report = evaluate_stream(model, batches)
    print_notes(files.notes)
    return report
