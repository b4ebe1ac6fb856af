"""`train DATA ...`: train a classifier on labelled audio and save it as a .skops file."""

from __future__ import annotations

import sys

COMMAND = "train"
HELP = "train a classifier on labelled audio and save it (.skops)"


def add_parser(subparsers) -> None:
    from musicml.builtin import MAX_PER_CLASS
    from musicml.cli import seed
    from musicml.dataio import MAX_FILE_SECONDS
    from musicml.features import FEATURE_KINDS
    from musicml.models import (
        MAX_COMPONENTS,
        MAX_NEIGHBORS,
        MAX_TREES,
        MODEL_KINDS,
        MULTICLASS_STRATEGIES,
        REDUCERS,
    )
    from musicml.validation import MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, float_type, int_type, sr_type

    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description=(
            "Train a classifier on a labelled data set, score it on a held-out part, and "
            "save it as a .skops model file. DATA is a folder with one sub-folder per class, "
            "a folder or zip with labels.csv (file,label), or builtin:notes / "
            "builtin:sound-silence."
        ),
    )
    parser.add_argument("data", metavar="DATA", help="labelled audio (see above)")
    parser.add_argument("--features", choices=FEATURE_KINDS, default="mel")
    parser.add_argument("--model", choices=MODEL_KINDS, default="logreg")
    parser.add_argument("--C", type=float, default=1.0, help="inverse regularisation (> 0)")
    parser.add_argument(
        "--multiclass",
        choices=MULTICLASS_STRATEGIES,
        default=None,
        help="one-vs-rest, one-vs-one or multinomial (softmax, logreg only); "
        "default: the model's own",
    )
    parser.add_argument("--l1-ratio", type=float, default=0.0, help="0 = L2, 1 = L1 (logreg)")
    parser.add_argument("--class-weight", choices=("balanced",), default=None)
    parser.add_argument("--kernel", choices=("rbf", "linear"), default="rbf", help="svm kernel")
    parser.add_argument("--gamma", default="scale", help="svm RBF width: a number or 'scale'")
    parser.add_argument(
        "--neighbors",
        type=int_type("--neighbors", maximum=MAX_NEIGHBORS),
        default=5,
        help=f"k of k-nearest neighbours (at most {MAX_NEIGHBORS})",
    )
    parser.add_argument(
        "--trees",
        type=int_type("--trees", maximum=MAX_TREES),
        default=100,
        help=f"trees of the random forest (at most {MAX_TREES})",
    )
    parser.add_argument("--reduce", choices=REDUCERS, default=None, help="PCA or LDA first")
    parser.add_argument(
        "--components",
        type=int_type("--components", maximum=MAX_COMPONENTS),
        default=None,
        help="dimensions kept",
    )
    parser.add_argument("--test-size", type=float, default=0.25, help="held-out share")
    parser.add_argument("--seed", type=seed, default=0)
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
        help="use only the first S seconds of each file (whole songs fill memory fast)",
    )
    parser.add_argument(
        "--sr",
        type=sr_type("--sr"),
        default=None,
        help=f"analysis sample rate ({MIN_SAMPLE_RATE} to {MAX_SAMPLE_RATE} Hz)",
    )
    parser.add_argument("--out", required=True, metavar="MODEL.skops", help="where to save")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def _gamma(text: str):
    from musicml.errors import ParameterError

    if text == "scale":
        return "scale"
    try:
        return float(text)
    except ValueError:
        raise ParameterError(
            "--gamma must be a number or 'scale'; got {text!r}.", text=text
        ) from None


def run(args) -> int:
    from pathlib import Path

    from musicml.cli import load_dataset, print_json
    from musicml.errors import ParameterError
    from musicml.evaluation import classification_report
    from musicml.models import ModelSpec, train_classifier
    from musicml.persistence import save_model

    out = Path(args.out)
    if out.suffix != ".skops":
        raise ParameterError("--out must name a .skops file; got '{out}'.", out=args.out)
    # Checked before any work: a model trained for minutes must have somewhere to go.
    if out.is_dir():
        raise ParameterError("--out names a folder, not a file: '{out}'.", out=args.out)
    if not out.parent.is_dir():
        raise ParameterError(
            "--out must be in an existing folder; there is no folder '{out_parent}'.",
            out_parent=out.parent,
        )
    spec = ModelSpec(
        model=args.model,
        C=args.C,
        l1_ratio=args.l1_ratio,
        class_weight=args.class_weight,
        kernel=args.kernel,
        gamma=_gamma(args.gamma),
        n_neighbors=args.neighbors,
        n_trees=args.trees,
        multiclass=args.multiclass,
        reduce=args.reduce,
        n_components=args.components,
        seed=args.seed,
    )
    dataset = load_dataset(args, sr=args.sr)

    def progress(fraction: float, message: str) -> None:
        if not args.json:
            sys.stderr.write(f"\r{fraction:4.0%} {message:<40}")
            sys.stderr.flush()

    result = train_classifier(
        dataset,
        features=args.features,
        spec=spec,
        test_size=args.test_size,
        seed=args.seed,
        name=out.stem,
        progress=progress,
    )
    if not args.json:
        sys.stderr.write("\n")
    report = classification_report(
        result.test_labels, result.test_predicted, classes=result.classes
    )
    result.model.metrics["per_class"] = report["per_class"]
    result.model.metrics["confusion"] = report["confusion"]
    result.model.info["data"] = str(args.data)
    save_model(result.model, out)
    document = {
        "model": str(out),
        "data": str(args.data),
        "n_clips": len(dataset),
        "classes": result.classes,
        "features": result.model.features,
        "spec": result.model.spec,
        "accuracy": result.accuracy,
        "train_accuracy": result.train_accuracy,
        "n_train": result.n_train,
        "n_test": result.n_test,
        "feature_seconds": round(result.feature_seconds, 4),
        "fit_seconds": round(result.seconds, 4),
        "per_class": report["per_class"],
        "confusion": report["confusion"],
    }
    if args.json:
        print_json(document)
    else:
        print(f"{result.model.describe()}")
        print(
            f"held-out accuracy {result.accuracy:.1%} on {result.n_test} clips "
            f"(training {result.train_accuracy:.1%} on {result.n_train}); "
            f"features {result.feature_seconds:.2f} s, fit {result.seconds:.2f} s"
        )
        print(f"saved {out}")
    return 0
