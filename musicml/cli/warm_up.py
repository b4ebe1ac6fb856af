"""`warm-up`: compile librosa's numba kernels into the on-disk cache ahead of time."""

from __future__ import annotations

COMMAND = "warm-up"
HELP = "fill numba's on-disk cache, so the app's first analysis is fast"


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description=(
            "librosa's kernels are compiled by numba the first time they run after an "
            "install (about 20 s here) and cached on disk; later processes load them in about "
            "2 s. Run this once after installing (the README's run command does) so no "
            "visitor waits for the compiler."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args) -> int:
    import os

    from musicml.analysis import warm_up
    from musicml.cli import print_json

    seconds = warm_up()
    cache = os.environ.get("NUMBA_CACHE_DIR", "")
    if args.json:
        print_json({"seconds": round(seconds, 3), "numba_cache": cache})
    else:
        print(f"warmed up in {seconds:.1f} s (numba cache: {cache or 'numba default'})")
    return 0
