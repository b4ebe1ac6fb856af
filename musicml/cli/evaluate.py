"""`evaluate MODEL DATA`: score a saved or built-in model on labelled audio."""

from __future__ import annotations


def add_parser(subparsers) -> None:
    from musicml.cli import positive_float, positive_int, seed

    parser = subparsers.add_parser(
        "evaluate",
        help="score a model on labelled audio (accuracy, per class, confusion)",
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
        "--per-class", type=positive_int, default=None, help="clips per class for builtin data sets"
    )
    parser.add_argument(
        "--seconds-per-file",
        type=positive_float,
        default=None,
        metavar="S",
        help="use only the first S seconds of each file (whole songs fill memory fast)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args) -> int:
    from musicml.builtin import dataset_from_source, load_any_model
    from musicml.cli import print_json, print_notes
    from musicml.evaluation import evaluate_model

    model = load_any_model(args.model)
    dataset = dataset_from_source(
        args.data,
        sr=model.sr,
        seed=args.seed,
        per_class=args.per_class,
        seconds_per_file=args.seconds_per_file,
    )
    print_notes(dataset.notes)
    report = evaluate_model(model, dataset)
    if args.json:
        print_json(report)
        return 0
    print(f"{args.model} on {args.data}: accuracy {report['accuracy']:.1%} ({len(dataset)} clips)")
    width = max(len(c) for c in report["per_class"])
    print(f"{'class':<{width}}  precision  recall     f1  support")
    for label, scores in report["per_class"].items():
        print(
            f"{label:<{width}}  {scores['precision']:9.2f}  {scores['recall']:6.2f}  "
            f"{scores['f1']:5.2f}  {scores['support']:7d}"
        )
    return 0
