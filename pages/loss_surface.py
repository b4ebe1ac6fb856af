"""Loss surface: logistic regression from the inside."""

import streamlit as st

from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.ui.layout import page_setup

page_setup(
    N_("Loss surface"),
    ":material/landscape:",
    N_(
        "Logistic regression squeezes a straight-line score θᵀx through the **sigmoid** to get a "
        "probability, and learns θ by walking downhill on a **loss surface**. Here you can see "
        "that surface for data with two features, watch gradient descent walk it, and check that "
        "it lands exactly where scikit-learn does."
    ),
)

from musicml.ui.share import mirror, share_view  # after the title: it imports the core

share_view("loss_surface")

# The title shows at once; the heavier imports below load while it is on screen.
import math

from musicml.figures import loss as figures
from musicml.lossdata import IRIS_FEATURES
from musicml.ui import loss as lab
from musicml.ui.language import translated_tabs
from musicml.ui.layout import friendly_errors
from musicml.ui.state import control_default, session_datasets

# ----------------------------------------------------------------------------- data
source = st.segmented_control(
    _("Data"),
    list(lab.SOURCES),
    format_func=_,
    default=next(iter(lab.SOURCES)),
    key="loss.source",
)
kind = lab.SOURCES[source or next(iter(lab.SOURCES))]
dataset = None
spec = lab.DataSpec(kind=kind)
with friendly_errors():
    if kind == "lecture":
        st.caption(
            _(
                "The lecture's recipe: the breast-cancer data set, its first two features (mean "
                "radius and mean texture) standardised, no intercept, so the model has just θ1 and "
                "θ2."
            )
        )
    elif kind == "iris":
        left, right = st.columns(2)
        first = left.selectbox(
            _("First feature"), IRIS_FEATURES, index=0, format_func=lab.shown, key="loss.iris_first"
        )
        second = right.selectbox(
            _("Second feature"),
            IRIS_FEATURES,
            index=1,
            format_func=lab.shown,
            key="loss.iris_second",
        )
        spec = lab.DataSpec(
            kind="iris",
            iris_features=(IRIS_FEATURES.index(first), IRIS_FEATURES.index(second)),
        )
    elif kind == "music":
        sets = session_datasets()
        names = [*sets, lab.BUILTIN_SOUNDS]
        if not sets:
            st.caption(
                _(
                    "No data set in this session yet (make or upload one on the Train page), so "
                    "here is the built-in one: a second of sine tone or of silence per clip."
                )
            )
        chosen = st.selectbox(_("Data set"), names, format_func=_, key="loss.music_set")
        if chosen in sets:
            dataset = sets[chosen]
            spec = lab.DataSpec(kind="music", fingerprint=lab.dataset_fingerprint(dataset))
        else:
            spec = lab.DataSpec(kind="music")
        st.caption(
            _(
                "Each clip becomes its mel features (mean and spread of 128 mel bands), which we "
                "squeeze to their two principal components, scaled to unit variance."
            )
        )
    else:
        left, right = st.columns([3, 1])
        overlap = left.slider(
            _("Overlap of the two classes"), 0.0, 1.0, 0.5, step=0.05, key="loss.overlap"
        )
        seed = right.number_input(_("Seed"), 0, 9999, 0, key="loss.seed")
        spec = lab.DataSpec(kind="synthetic", overlap=overlap, seed=int(seed))

    data = lab.lab_data(spec, dataset)
    left, right = st.columns(2)
    # The second of two classes, else the first; set again when the classes change.
    control_default(
        f"loss.positive.{kind}",
        data.class_names[1 if data.n_classes == 2 else 0],
        follows=tuple(data.class_names),
    )
    positive_name = left.selectbox(
        _("Class 1 (every other class is 0)"),
        data.class_names,
        format_func=lab.shown,
        key=f"loss.positive.{kind}",
    )
    positive = data.class_names.index(positive_name)
    C = right.select_slider(
        _("C, the inverse penalty strength (log scale)"),
        options=lab.C_VALUES,
        value=1.0,
        format_func=lab.format_C,
        key="loss.C",
        help=_("scikit-learn's C. Smaller C = stronger L2 penalty = θ pulled towards 0."),
    )
    theta = lab.optimum(spec, positive, C, dataset)
    free = lab.unpenalised_optimum(spec, positive, dataset)

# Three short lines: on one, the formula ran off a phone's screen.
st.latex(
    r"\begin{aligned}J(\theta) = \frac{1}{m}\sum_{i=1}^{m} &-\big[y_i \log h_\theta(x_i)"
    r" \\ &+ (1-y_i)\log(1-h_\theta(x_i))\big] \\ &+ \frac{\lambda}{2m}"
    r"\lVert\theta\rVert^2,\qquad \lambda = \frac{1}{C}\end{aligned}"
)
st.caption(
    _(
        "{name}: {n} samples, θ = (θ1, θ2) weighs *{first}* and "
        "*{second}*. scikit-learn minimises C·Σ log-loss + ½‖θ‖², which "
        "is C·m times this J, so both have the same minimum: at C = {C} "
        "it is θ = ({theta1:.4f}, {theta2:.4f})."
    ).format(
        name=lab.shown(data.name),
        n=len(data.labels),
        first=lab.shown(data.feature_names[0]),
        second=lab.shown(data.feature_names[1]),
        C=lab.format_C(C),
        theta1=theta[0],
        theta2=theta[1],
    )
)

points = {_("optimum at C = {C}").format(C=lab.format_C(C)): theta}
if free is not None and not math.isinf(C):
    points[_("no penalty (C = ∞)")] = free

tabs = translated_tabs(
    list(lab.VIEWS.values()), default=lab.DEFAULT_VIEW, key="loss.view", on_change="rerun"
)
sigmoid_tab, slices_tab, surface_tab, surface3d_tab, descent_tab, boundary_tab, multi_tab = tabs

# ----------------------------------------------------------------------------- views
if sigmoid_tab.open:
    with sigmoid_tab:
        st.latex(r"h_\theta(x) = \sigma(\theta^\top x) = \frac{1}{1 + e^{-\theta^\top x}}")
        lo, hi = st.slider(_("Range of z"), -20.0, 20.0, (-10.0, 10.0), step=1.0, key="loss.zrange")
        threshold = st.slider(
            _("Decision threshold"), 0.05, 0.95, 0.5, step=0.05, key="loss.threshold"
        )
        st.plotly_chart(
            figures.sigmoid_figure(lo=lo, hi=hi, threshold=threshold),
            key="loss.sigmoid",
            alt=_("The sigmoid curve with its decision threshold"),
        )
        st.caption(
            _(
                "Far to the left the model is sure of class 0, far to the right sure of class 1; "
                "around z = 0 it hesitates. At the 0.5 threshold the boundary is exactly θᵀx = 0, "
                "a straight line: logistic regression is a linear classifier."
            )
        )


@st.fragment
def slices_view() -> None:
    """J along θ1 and along θ2: the window slider redraws only this tab."""
    with friendly_errors():
        half = st.slider(
            _("Window ± around the optimum"), 0.1, 3.0, 0.6, 0.1, key="loss.slice_half"
        )
        t1, j1, t2, j2 = lab.slices(spec, positive, C, tuple(theta), half, dataset)
        st.plotly_chart(
            figures.slices_figure(t1, j1, t2, j2, center=theta),
            key="loss.slices",
            alt=_("Loss along theta 1 and along theta 2 through the optimum"),
        )
        st.caption(
            _(
                "Hold one weight at its best value and move the other: the loss is a smooth bowl "
                "with its bottom at the optimum (dotted). The logistic loss is convex, so there is "
                "one bottom and no local traps."
            )
        )
    mirror("loss_surface")  # the address follows this fragment's controls too


if slices_tab.open:
    with slices_tab:
        slices_view()


def surface_window() -> tuple:
    """The window slider of the two surface views and the loss grid it shows."""
    half = st.slider(_("Window ± around the optimum"), 0.1, 3.0, 0.6, 0.1, key="loss.surface_half")
    t1, t2, grid = lab.surface(spec, positive, C, tuple(theta), half, dataset)
    return t1, t2, grid, half


@st.fragment
def surface_view() -> None:
    """The contour map: its sliders redraw only this tab."""
    with friendly_errors():
        left, right = st.columns(2)
        with left:
            t1, t2, grid, half = surface_window()
        levels = right.slider(_("Contour levels"), 5, 60, 30, key="loss.levels")
        st.plotly_chart(
            figures.contour_figure(t1, t2, grid, levels=levels, points=points),
            key="loss.contour",
            alt=_("Contour plot of the loss around the optimum"),
        )
        off_window = lab.off_window_note(
            figures.outside_window(points, t1, t2),
            hint=_("A larger C (or a wider window) brings it into view."),
        )
        st.caption(
            (
                _(
                    "The loss on a {drawn} × {drawn} grid (the download holds {grid} × "
                    "{grid}) centred on scikit-learn's optimum (the cross), seen from above: "
                    "each line joins the θ with the same loss. Our surface includes the same "
                    "penalty as the model it is compared with, so its lowest point sits exactly "
                    "at the cross; move C and watch the bowl and its bottom shift towards "
                    "θ = 0. The **3-D surface** tab shows the same bowl from the side."
                ).format(drawn=lab.DRAWN_GRID, grid=lab.GRID)
                + " "
                + off_window
            ).strip()
        )
        if kind == "lecture":
            st.info(
                _(
                    "The lecture centred its pictures on scikit-learn's optimum, which carries "
                    "scikit-learn's default penalty (C = 1): θ ≈ (−3.55, −0.83). But it plotted "
                    "the *unpenalised* loss, whose minimum is at θ ≈ (−3.96, −0.89), so its bowl "
                    "looked off-centre. Choose C = ∞ or C = 1 here to see both."
                ),
                icon=":material/info:",
            )
        st.download_button(
            _("Download the loss grid (CSV)"),
            lab.surface_csv(spec, positive, C, tuple(theta), half, dataset),
            file_name="loss_surface.csv",
            mime="text/csv",
            key="loss.download_surface",
        )
    mirror("loss_surface")  # the address follows this fragment's controls too


if surface_tab.open:
    with surface_tab:
        surface_view()


@st.fragment
def surface3d_view() -> None:
    """The loss as a 3-D bowl: its window slider redraws only this tab."""
    with friendly_errors():
        left, _right = st.columns(2)
        with left:
            t1, t2, grid, _half = surface_window()
        best = lab.loss_at(spec, positive, C, tuple(theta), dataset)
        st.plotly_chart(
            figures.surface_figure(t1, t2, grid, optimum=theta, optimum_loss=best),
            key="loss.surface3d",
            alt=_("3-D surface of the loss around the optimum"),
        )
        st.caption(
            _(
                "The same loss as the contour map, as a landscape: drag to turn it. Gradient "
                "descent rolls down this bowl to its single lowest point, scikit-learn's "
                "optimum (the red dot)."
            )
        )
    mirror("loss_surface")  # the address follows this fragment's controls too


if surface3d_tab.open:
    with surface3d_tab:
        surface3d_view()


@st.fragment
def descent_view() -> None:
    """Gradient descent step by step: its controls redraw only this tab."""
    with friendly_errors():
        st.latex(
            r"\begin{gathered}\theta \leftarrow \theta - \alpha\,\nabla J(\theta),\\ "
            r"\frac{\partial J}{\partial \theta_j} = \frac{1}{m}\sum_{i=1}^m "
            r"\big(h_\theta(x_i) - y_i\big)x_{ij} + \frac{\lambda}{m}\theta_j\end{gathered}"
        )
        method_names = {N_("Plain"): "plain", N_("Momentum"): "momentum", N_("Newton"): "newton"}
        a, b, c, d, e = st.columns([3, 2, 2, 1, 1])
        method_label = a.segmented_control(
            _("Method"), list(method_names), format_func=_, default="Plain", key="loss.method"
        )
        method = method_names[method_label or "Plain"]
        rate = b.number_input(
            _("Learning rate α"),
            0.001,
            50.0,
            3.0,
            step=0.5,
            format="%.3f",
            key="loss.rate",
            disabled=method == "newton",
            help=_(
                "Newton needs no learning rate: each step jumps to the bottom of the "
                "local quadratic."
            ),
        )
        steps = c.slider(_("Steps"), 1, 1000, 300, key="loss.steps")
        start1 = d.number_input(_("Start θ1"), -20.0, 20.0, 0.0, step=0.5, key="loss.start1")
        start2 = e.number_input(_("Start θ2"), -20.0, 20.0, 0.0, step=0.5, key="loss.start2")
        path, t1, t2, grid = lab.descent(
            spec,
            positive,
            C,
            start=(start1, start2),
            learning_rate=rate,
            steps=steps,
            method=method,
            _dataset=dataset,
        )
        best = lab.loss_at(spec, positive, C, tuple(theta), dataset)
        st.plotly_chart(
            figures.descent_figure(t1, t2, grid, path.thetas, points=points),
            key="loss.descent",
            alt=_("Gradient-descent path drawn on the loss contours"),
        )
        left, right = st.columns([3, 2])
        left.plotly_chart(
            figures.loss_curve_figure(path.losses, optimum_loss=best),
            key="loss.curve",
            alt=_("Loss after each gradient-descent step"),
        )
        gap = lab.endpoint_gap(path, theta)
        with right:
            st.metric(_("Descent ends at"), lab.format_point(path.end), border=True)
            st.metric(_("scikit-learn's optimum"), lab.format_point(theta), border=True)
            if gap < 1e-3:
                st.success(
                    _(
                        "Gradient descent and scikit-learn agree (largest difference {gap:.1e})."
                    ).format(gap=gap),
                    icon=":material/check_circle:",
                )
            elif lab.diverged(path):
                step = _("Newton's full step") if method == "newton" else f"α = {rate:g}"
                st.warning(
                    _(
                        "The descent diverged: {step} overshoots, and every step lands further "
                        "up the other side of the bowl (a small C makes the bowl steep). Take a "
                        "smaller learning rate, momentum or Newton, or start nearer the optimum."
                    ).format(step=step),
                    icon=":material/trending_up:",
                )
            else:
                st.warning(
                    _(
                        "Not there yet: the end point is {gap:.3g} away from scikit-learn's "
                        "optimum. Take more steps, a larger learning rate, momentum or Newton (a "
                        "learning rate that is too large overshoots and zig-zags)."
                    ).format(gap=gap),
                    icon=":material/directions_walk:",
                )
        off_window = lab.off_window_note(figures.outside_window(points, t1, t2))
        st.caption(
            (
                _(
                    "Press ▶ to replay the path step by step. Plain descent walks straight "
                    "downhill and slows down in flat valleys; momentum keeps part of its previous "
                    "step and rolls through them; Newton uses the curvature and lands in a "
                    "handful of steps. The window follows the path and scikit-learn's optimum."
                )
                + " "
                + off_window
            ).strip()
        )
        st.download_button(
            _("Download the path (CSV)"),
            lab.path_csv(path),
            file_name=f"descent_{method}.csv",
            mime="text/csv",
            key="loss.download_path",
        )
    mirror("loss_surface")  # the address follows this fragment's controls too


if descent_tab.open:
    with descent_tab:
        descent_view()


if boundary_tab.open:
    with boundary_tab, friendly_errors():
        st.plotly_chart(
            figures.decision_boundary_figure(
                data.features,
                data.binary_labels(positive),
                theta,
                feature_names=tuple(map(lab.shown, data.feature_names)),
                class_names=(
                    _("other") if data.n_classes > 2 else lab.shown(data.class_names[0]),
                    lab.shown(positive_name),
                ),
            ),
            key="loss.boundary",
            alt=_("The samples, the predicted probability and the decision boundary"),
        )
        st.caption(
            _(
                "The same θ seen in feature space: shading is the predicted probability of class 1 "
                "and the dashed line is θᵀx = 0, where it is exactly 0.5. Without an intercept the "
                "line always passes through the origin; θ is perpendicular to it."
            )
        )

if multi_tab.open:
    with multi_tab, friendly_errors():
        multi_spec, multi_set = spec, dataset
        if data.n_classes < 3:
            st.info(
                _(
                    "This data set has two classes, where one-vs-rest and softmax are the same "
                    "model; here is iris (three species) with its first two features instead."
                ),
                icon=":material/info:",
            )
            multi_spec, multi_set = lab.DataSpec(kind="iris"), None
        multi_data = lab.lab_data(multi_spec, multi_set)
        result = lab.multiclass(multi_spec, C, multi_set)
        st.latex(
            r"P(y = k \mid x) = \frac{e^{w_k^\top x}}{\sum_j e^{w_j^\top x}}"
            + _(r"\quad\text{(softmax; with } k = 2 \text{ it is the sigmoid)}")
        )
        st.plotly_chart(
            figures.multiclass_figure(
                result,
                multi_data.features,
                multi_data.labels,
                class_names=tuple(map(lab.shown, multi_data.class_names)),
                feature_names=tuple(map(lab.shown, multi_data.feature_names)),
            ),
            key="loss.multiclass",
            alt=_("Decision regions of one-vs-rest and of softmax regression side by side"),
        )
        left, right = st.columns(2)
        left.metric(
            _("One-vs-rest: accuracy / 5-fold CV"),
            f"{result.accuracy_ovr:.1%} / {result.cv_accuracy_ovr:.1%}",
        )
        right.metric(
            _("Softmax: accuracy / 5-fold CV"),
            f"{result.accuracy_softmax:.1%} / {result.cv_accuracy_softmax:.1%}",
        )
        st.caption(
            _(
                "One-vs-rest trains one yes/no model per class on its own and predicts the class "
                "whose model is most sure; softmax trains all classes together so their "
                "probabilities compete and sum to 1. A class squeezed between two others is hard "
                "to cut from 'the rest' with one line, so its one-vs-rest region shrinks, while "
                "softmax only needs to tell neighbours apart."
            )
        )
