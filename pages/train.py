"""Train: a classifier on a data set of sounds, judged on clips it never saw."""

import streamlit as st

from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.ui.layout import page_setup

page_setup(
    N_("Train"),
    ":material/model_training:",
    N_(
        "Turn every clip into numbers (its **features**), fit a classifier on most clips, and "
        "test it on clips held back from training: the held-out score says how it does on sounds "
        "it has never seen. Change the model, its regularisation **C** and the **multiclass "
        "strategy**, and compare the models of this session side by side."
    ),
)

from musicml.ui.share import share_view  # after the title: it imports the core

share_view("train")

# The title shows at once; the heavier imports below load while it is on screen.
from musicml.audio import AUDIO_EXTENSIONS
from musicml.datasets import suggested_features
from musicml.evaluation import (
    LEAVE_ONE_OUT_LIMIT,
    METRIC_SENTENCES,
    c_validation_curve,
    classification_report,
    cross_validation,
    fold_count,
    head_of,
    misclassified,
    per_class_sentences,
    projection_2d,
)
from musicml.features import FEATURE_KINDS, N_MELS, mel_spectrogram_db
from musicml.figures.evaluation import (
    comparison_figure,
    confusion_figure,
    cross_validation_figure,
    per_class_figure,
    projection_figure,
    validation_curve_figure,
)
from musicml.figures.signal import spectrogram_figure
from musicml.models import (
    MODEL_NAMES,
    MULTICLASS_NAMES,
    ModelSpec,
    dataset_from_examples,
    file_stem,
    model_name,
    take,
)
from musicml.ui.cache import load_uploaded, play
from musicml.ui.layout import friendly_errors
from musicml.ui.models import (
    BUILTIN_CHOICES,
    add_example,
    builtin_dataset,
    content_key,
    data_choice_label,
    derived,
    example_round,
    example_store,
    model_file,
    next_example_round,
    session_models,
    train_with_progress,
)
from musicml.ui.sound import uploaded_dataset
from musicml.ui.state import session_datasets, take_fresh_dataset

# ----------------------------------------------------------------------------- data set
BUILTINS = BUILTIN_CHOICES
UPLOAD = N_("Upload a labelled zip")
OWN = N_("Record or upload your own examples")
# Prefix of this session's data sets among the options (English: options stay stable).
SESSION = "This session: "
sessions = session_datasets()
options = [*BUILTINS, *(f"{SESSION}{name}" for name in reversed(sessions)), UPLOAD, OWN]
fresh = take_fresh_dataset()
if fresh is not None:
    # A set just built or uploaded (the tour's step 2): open on it, with the features that
    # suit its kind (chroma for notes), set here once so the widgets show what is used.
    st.session_state["train.data"] = f"{SESSION}{fresh}"
    st.session_state["train.features"] = suggested_features(sessions[fresh])


def data_label(option: str) -> str:
    if option.startswith(SESSION):
        return _("This session: {name}").format(name=option.removeprefix(SESSION))
    return data_choice_label(option)


st.subheader(_("1. Data set"), anchor=False)
cols = st.columns([2, 1, 1])
source = cols[0].selectbox(
    _("Data set"),
    options,
    format_func=data_label,
    key="train.data",
    help=_("Data sets you build on the Synthesize page appear here too."),
)
dataset = None
with friendly_errors():
    if source in BUILTINS:
        per_class = cols[1].slider(
            _("Clips per class"), 10, 200, 40, step=10, key="train.per_class"
        )
        data_seed = cols[2].number_input(_("Data seed"), 0, 10_000, 0, key="train.data_seed")
        dataset_key = f"builtin:{BUILTINS[source]}:{per_class}:{int(data_seed)}"
        data_tag = f"{BUILTINS[source]}-{per_class}" + (
            f"-seed{int(data_seed)}" if data_seed else ""
        )
        dataset = builtin_dataset(BUILTINS[source], per_class, int(data_seed))
    elif source == UPLOAD:
        upload = st.file_uploader(
            _(
                "A zip with one folder per class (GTZAN layout), or audio files plus labels.csv "
                "(columns file,label)"
            ),
            type=["zip"],
            key="train.upload",
        )
        if upload is not None:
            data = upload.getvalue()
            dataset_key = f"upload:{content_key(data)}"
            data_tag = upload.name.removesuffix(".zip")
            dataset = uploaded_dataset(data, upload.name)
    elif source == OWN:
        st.markdown(
            _(
                "Record a few seconds of each kind of sound (or upload files), give each a class "
                "name, and press **Add**; every second becomes one training clip. Two classes "
                "with three seconds each are enough to start."
            )
        )
        own = st.columns([1, 2, 2])
        label = own[0].text_input(_("Class name"), value="clap", key="train.own_label")
        # Fresh keys after every Add: a recorder or uploader cannot be emptied otherwise.
        round_ = example_round()
        recording = own[1].audio_input(_("Record an example"), key=f"train.record.{round_}")
        files = own[2].file_uploader(
            _("…or upload examples"),
            type=list(AUDIO_EXTENSIONS),
            accept_multiple_files=True,
            key=f"train.own_upload.{round_}",
        )
        buttons = st.columns([1, 1, 3])
        if buttons[0].button(
            _("Add to “{label}”").format(label=label), key="train.own_add", type="primary"
        ):
            sources = ([("recording.wav", recording)] if recording is not None else []) + [
                (f.name, f) for f in files or []
            ]
            if not sources:
                st.warning(_("Record or choose an example first."))
            for filename, item in sources:
                add_example(label, load_uploaded(item.getvalue(), filename))
            if sources:  # each recording and file goes into one class, once
                next_example_round()
                st.rerun()
        if buttons[1].button(_("Clear all examples"), key="train.own_clear"):
            example_store().clear()
        store = example_store()
        if store:
            dataset = dataset_from_examples([(lab, audio, sr) for lab, audio, sr, _ in store])
            dataset_key = "own:" + ",".join(digest for *_, digest in store)
            data_tag = "own examples"
            if len(dataset.classes) < 2:
                st.info(_("Add examples of a second class to train."), icon=":material/mic:")
                st.stop()
    else:
        name = source.removeprefix(SESSION)
        dataset_key = f"session:{name}:{id(sessions[name])}"
        data_tag = name
        dataset = sessions[name]
if dataset is None:
    st.info(
        _("Add examples of at least two classes to continue.")
        if source == OWN
        else _("Upload a labelled zip to continue."),
        icon=":material/upload_file:",
    )
    st.stop()
counts = {c: int((dataset.labels == c).sum()) for c in dataset.classes}
st.caption(
    _("{n} clips at {sr} Hz in {classes} classes: {counts}").format(
        n=len(dataset),
        sr=dataset.sr,
        classes=len(counts),
        counts=", ".join(f"{c} ({n})" for c, n in counts.items()),
    )
)

# ----------------------------------------------------------------------------- settings


def strategy_name(option: str) -> str:
    name = MULTICLASS_NAMES[None if option == "own" else option]
    return _(name)


accuracy_sentence = METRIC_SENTENCES["accuracy"]
st.subheader(_("2. Features and model"), anchor=False)
with st.form("train.form", border=True):
    cols = st.columns(4)
    features = cols[0].selectbox(
        _("Features"),
        FEATURE_KINDS,
        key="train.features",
        help=_(
            "mel: mel spectrogram; stft: linear spectrogram; cqt: constant-Q; chroma: energy "
            "per pitch class; mfcc: cepstral coefficients; fft: the tutorial's first FFT bins; "
            "gabor: how strongly short wave packets (a tone under a bell-shaped window) of several "
            "pitches and lengths match the sound. "
            "Each is summarised over time (mean and spread), so clips of any length give vectors "
            "of one size."
        ),
    )
    model_kind = cols[1].selectbox(
        _("Model"), list(MODEL_NAMES), format_func=lambda k: _(MODEL_NAMES[k]), key="train.model"
    )
    C = cols[2].select_slider(
        _("C (inverse regularisation)"),
        [0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0],
        value=1.0,
        key="train.C",
        help=_(
            "Small C: strong regularisation, small weights, a simpler model. Large C: the "
            "model may fit the training clips too closely. Used by logistic regression and SVM."
        ),
    )
    # Options are strings: a selectbox shows a value of None as "Choose an option".
    strategy = cols[3].selectbox(
        _("Multiclass strategy"),
        ["own", "ovr", "ovo", "multinomial"],
        format_func=strategy_name,
        key="train.multiclass",
        help=_(
            "One-vs-rest: one yes/no model per class. One-vs-one: one per pair of classes, "
            "k(k-1)/2 models. Multinomial: one softmax model over all classes (logistic "
            "regression only)."
        ),
    )
    with st.expander(_("More settings")):
        cols = st.columns(4)
        l1_ratio = cols[0].slider(
            _("L1 share of the penalty (logreg)"), 0.0, 1.0, 0.0, step=0.25, key="train.l1"
        )
        balanced = cols[0].toggle(_("Balance class weights"), key="train.balanced")
        kernel = cols[1].selectbox(
            _("SVM kernel"),
            ["rbf", "linear"],
            format_func=lambda k: "RBF" if k == "rbf" else _("linear"),
            key="train.kernel",
        )
        gamma = cols[1].select_slider(
            _("SVM gamma"),
            ["scale", 0.0001, 0.001, 0.01, 0.1, 1.0],
            value="scale",
            format_func=lambda g: _("scale") if g == "scale" else f"{g:g}",
            key="train.gamma",
        )
        neighbors = cols[2].slider(_("k (nearest neighbours)"), 1, 25, 5, key="train.k")
        trees = cols[2].slider(_("Trees (forest)"), 10, 300, 100, step=10, key="train.trees")
        reduce = cols[3].selectbox(
            _("Projection before the model"),
            ["none", "pca", "lda"],
            format_func=lambda r: _("none") if r == "none" else r.upper(),
            key="train.reduce",
        )
        components = cols[3].number_input(
            _("Dimensions kept (0 = all / automatic)"), 0, 200, 0, key="train.components"
        )
        n_mels = cols[0].slider(
            _("Mel bands (mel, mfcc)"), 16, 128, N_MELS, step=16, key="train.n_mels"
        )
        n_mfcc = cols[1].slider(_("MFCC coefficients"), 5, 40, 20, key="train.n_mfcc")
        chroma_source = cols[2].selectbox(
            _("Chroma from"), ["stft", "cqt"], format_func=str.upper, key="train.chroma_source"
        )
        n_fft_bins = cols[3].select_slider(
            _("FFT bins (fft)"), [100, 250, 500, 1000, 2000], value=1000, key="train.fft_bins"
        )
        test_size = cols[1].slider(
            _("Held-out share"), 0.1, 0.5, 0.25, step=0.05, key="train.test_size"
        )
        seed = cols[2].number_input(_("Split seed"), 0, 10_000, 0, key="train.seed")
    st.form_submit_button(_("Train"), icon=":material/play_arrow:", type="primary")

strategy = None if strategy == "own" else strategy
reduce = None if reduce == "none" else reduce
if strategy == "multinomial" and model_kind != "logreg":
    st.warning(
        _(
            "Multinomial (softmax) applies only to logistic regression; the {model} "
            "uses its own multiclass handling instead."
        ).format(model=_(MODEL_NAMES[model_kind]).lower())
    )
    strategy = None
feature_params = {
    "mel": {"n_mels": n_mels},
    "mfcc": {"n_mels": n_mels, "n_mfcc": n_mfcc},
    "chroma": {"chroma_source": chroma_source},
    "fft": {"n_fft_bins": n_fft_bins},
}.get(features, {})
with friendly_errors():
    spec = ModelSpec(
        model=model_kind,
        C=float(C),
        l1_ratio=float(l1_ratio),
        class_weight="balanced" if balanced else None,
        kernel=kernel,
        gamma=gamma,
        n_neighbors=int(neighbors),
        n_trees=int(trees),
        multiclass=strategy,
        reduce=reduce,
        n_components=int(components) or None,
        seed=int(seed),
    )
    result = train_with_progress(
        dataset_key,
        dataset,
        features=features,
        feature_params=feature_params,
        spec=spec,
        test_size=float(test_size),
        seed=int(seed),
        name=model_name(
            model=model_kind, features=features, C=float(C), multiclass=strategy, data=data_tag
        ),
    )
model = result.model

# ----------------------------------------------------------------------------- results
st.subheader(_("3. Results"), anchor=False)
metrics = st.columns(4)
metrics[0].metric(_("Held-out accuracy"), f"{result.accuracy:.1%}")
metrics[1].metric(_("Training accuracy"), f"{result.train_accuracy:.1%}")
metrics[2].metric(_("Features"), f"{result.feature_seconds:.2f} s")
metrics[3].metric(_("Fit"), f"{result.seconds * 1000:.0f} ms")
st.caption(
    _("{model}. Trained on {n_train} clips, tested on {n_test}.").format(
        model=model.describe(), n_train=result.n_train, n_test=result.n_test
    )
    + " "
    + _(accuracy_sentence)
    + " "
    + _(
        "A training score far above the held-out score means the model memorised its "
        "training clips (over-fitting)."
    )
)

if result.accuracy == 1.0 and result.train_accuracy == 1.0:
    if BUILTINS.get(source) == "sound-silence":
        hint = _(
            "A perfect score on both sides: this task is easy (the tutorial's sound vs silence "
            "is trivially separable). For a harder one, pick **Built-in: notes C–B and "
            "silence** and compare feature kinds and values of C."
        )
    else:
        hint = _(
            "A perfect score on both sides: with these features the classes of this data set "
            "are easy to tell apart, at least on the {n_test} held-out clips. The "
            "cross-validation below shows whether that holds on other splits; with few clips, "
            "a perfect score can also be luck."
        ).format(n_test=result.n_test)
    st.info(hint, icon=":material/lightbulb:")

report = classification_report(result.test_labels, result.test_predicted, classes=model.classes)
left, right = st.columns(2)
left.plotly_chart(
    confusion_figure(report, title=_("Confusion matrix (held-out clips)")),
    key="train.confusion",
    alt=_("Confusion matrix of true against predicted labels"),
)
right.plotly_chart(
    per_class_figure(report), key="train.per_class_scores", alt=_("Precision, recall and F1")
)
with st.expander(_("What precision, recall and F1 mean, class by class")):
    for key in ("precision", "recall", "f1"):
        st.markdown(f"- {_(METRIC_SENTENCES[key])}")
    for sentence in per_class_sentences(report):
        st.markdown(f"- {sentence}")
st.caption(
    _(
        "Rows of the confusion matrix are the true labels, columns the predictions: a perfect "
        "model fills only the diagonal. Off-diagonal cells show which classes get mixed up."
    )
)

head = head_of(model.pipeline)
matrix, labels = result.feature_matrix, dataset.labels
with friendly_errors():
    cheap = len(labels) <= 600 and spec.multiclass != "ovo"
    # The key follows the cost, so a slow curve is never computed just because the
    # toggle was on for a cheaper model before.
    show_curve = spec.model in ("logreg", "svm") and st.toggle(
        _("Show the validation curve (accuracy against C)"),
        value=cheap,
        key=f"train.show_curve.{'cheap' if cheap else 'slow'}",
        help=_(
            "It refits the model 35 times (7 values of C × 5 folds); slow for large data "
            "sets and for one-vs-one."
        ),
    )
    if show_curve:
        st.markdown(_("#### Under- and over-fitting"))
        curve = derived(
            result, "curve", lambda: c_validation_curve(head, matrix, labels, seed=int(seed))
        )
        st.plotly_chart(
            validation_curve_figure(curve, chosen_C=float(C)),
            key="train.curve",
            alt=_("Training and held-out accuracy against C on a log scale"),
        )
        st.caption(
            _(
                "Each point is 5-fold cross-validation at one C. On the left (small C) the model "
                "is too constrained and both scores are low: under-fitting. On the right the "
                "training score stays high while the held-out score can drop: over-fitting."
            )
        )
        st.latex(
            r"J(\theta) = C\sum_i \ell\big(y_i, \theta^\top x_i\big) + \tfrac12\lVert\theta\rVert^2"
        )

    st.markdown(_("#### Cross-validation"))
    methods = [N_("5-fold")] + ([N_("leave-one-out")] if len(labels) <= LEAVE_ONE_OUT_LIMIT else [])
    method = st.radio(_("Method"), methods, format_func=_, horizontal=True, key="train.cv")
    folds, fewer_folds = ("loo", None) if method == "leave-one-out" else fold_count(labels)
    cv = derived(result, f"cv:{folds}", lambda: cross_validation(head, matrix, labels, folds=folds))
    st.plotly_chart(cross_validation_figure(cv), key="train.cv_figure", alt=_("Fold accuracies"))
    if fewer_folds:
        st.caption(_(fewer_folds))  # the core's sentence: translated once a catalog has it
    st.caption(
        _(
            "Instead of one split, the data are split several ways and the model refitted each "
            "time; the spread of the scores shows how much one lucky split can mislead. "
            "Leave-one-out holds out a single clip at a time (for small data sets)."
        )
    )

    st.markdown(_("#### The features in two dimensions"))
    left, right = st.columns(2)
    pca = derived(result, "pca", lambda: projection_2d(matrix, labels, method="pca"))
    lda = derived(result, "lda", lambda: projection_2d(matrix, labels, method="lda"))
    left.plotly_chart(
        projection_figure(pca, labels, title=_("PCA (ignores the labels)")),
        key="train.pca",
        alt=_("PCA scatter of the feature vectors"),
    )
    right.plotly_chart(
        projection_figure(lda, labels, title=_("LDA (uses the labels)")),
        key="train.lda",
        alt=_("LDA scatter of the feature vectors"),
    )
    st.caption(
        _(
            "PCA keeps the directions in which the clips vary most, whatever their class; LDA "
            "looks for the directions that best separate the classes. Well-separated clouds mean "
            "an easy task for a linear model."
        )
    )

wrong = misclassified(
    result.test_labels, result.test_predicted, result.test_probabilities, model.classes
)
st.markdown(_("#### Misclassified held-out clips ({n})").format(n=len(wrong)))
if not wrong:
    st.success(_("Every held-out clip got the right label."), icon=":material/check_circle:")
for row in wrong[:4]:
    index = int(result.test_index[row["position"]])
    audio = take(dataset.clips, [index])[0]
    with st.container(border=True):
        st.markdown(
            _(
                "`{name}`: really **{true}**, predicted **{predicted}** ({confidence:.0%} sure)"
            ).format(
                name=dataset.names[index],
                true=row["true"],
                predicted=row["predicted"],
                confidence=row["confidence"],
            )
        )
        play(audio, dataset.sr, alt=_("The misclassified clip"))
        db = mel_spectrogram_db(audio, sr=dataset.sr, n_mels=64)
        figure = spectrogram_figure(
            db,
            sr=dataset.sr,
            hop_length=512,
            title=f"{row['true']} → {row['predicted']}",
            height=220,
        )
        st.plotly_chart(figure, key=f"train.wrong.{index}", alt=_("Spectrogram of the clip"))

# ----------------------------------------------------------------------------- compare, download
st.subheader(_("4. Compare and download"), anchor=False)
models = session_models()
rows = [
    {
        "name": name,
        "accuracy": m.metrics.get("accuracy"),
        "train_accuracy": m.metrics.get("train_accuracy"),
        "fit (s)": round(m.metrics.get("fit_seconds", 0.0), 3),
        "model": m.describe(),  # last: the long description, cut off at the table's edge
    }
    for name, m in models.items()
]
st.plotly_chart(comparison_figure(rows), key="train.compare", alt=_("Accuracy of session models"))
columns = {
    "name": _("name"),
    "accuracy": _("accuracy"),
    "train_accuracy": _("training accuracy"),
    "fit (s)": _("fit (s)"),
    "model": _("model"),
}
st.dataframe(
    [{columns[k]: v for k, v in row.items()} for row in rows],
    key="train.compare_table",
    hide_index=True,
    # Shares as percentages, as in the chart above (the table showed "1" for 100 %).
    column_config={
        columns[k]: st.column_config.NumberColumn(format="percent")
        for k in ("accuracy", "train_accuracy")
    },
)
st.caption(
    _("The model trained in this session. It is also offered on the Classify page.")
    if len(rows) == 1
    else _(
        "The last {n} models trained in this session (up to 4). They are also offered on "
        "the Classify page."
    ).format(n=len(rows))
)
with friendly_errors():
    st.download_button(
        _("Download this model (.skops)"),
        model_file(model),
        file_name=f"{file_stem(model.name)}.skops",
        mime="application/octet-stream",
        key="train.download",
        icon=":material/download:",
    )
st.caption(
    _(
        "Models are saved with skops, not pickle: the file carries the feature settings, class "
        "names, scores and library versions, and musicml refuses any file containing types it "
        "does not expect, so loading a file never runs code from it."
    )
)
