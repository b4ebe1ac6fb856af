"""`build-builtins`: retrain the embedded models and write their .skops files."""

from __future__ import annotations

COMMAND = "build-builtins"
HELP = "retrain the embedded models (builtin:notes, builtin:chromatic, builtin:sound-silence)"


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description=(
            "Train the embedded models reproducibly (fixed seeds) and write them as .skops "
            "files, by default into musicml/models_data/ where the app finds them."
        ),
    )
    parser.add_argument("--out", default=None, metavar="FOLDER", help="where to write")
    parser.add_argument(
        "--only",
        nargs="+",
        default=None,
        metavar="NAME",
        help="rebuild only these models (e.g. builtin:chromatic); default: all",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args) -> int:
    import time

    from musicml.builtin import MODELS_DATA, write_builtins
    from musicml.cli import print_json
    from musicml.persistence import load_model

    start = time.perf_counter()
    paths = write_builtins(args.out or MODELS_DATA, names=tuple(args.only or ()) or None)
    rows = []
    for path in paths:
        model = load_model(path)
        rows.append(
            {
                "file": str(path),
                "classes": model.classes,
                "bytes": path.stat().st_size,
                "metrics": model.metrics,
            }
        )
    if args.json:
        print_json({"models": rows, "seconds": round(time.perf_counter() - start, 2)})
    else:
        for row in rows:
            print(
                f"wrote {row['file']} ({row['bytes'] / 1024:.0f} kB): {', '.join(row['classes'])}"
            )
    return 0
