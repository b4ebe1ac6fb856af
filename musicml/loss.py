"""The mathematics of logistic regression: sigmoid, loss, gradient, descent, softmax.

Conventions
-----------
``features`` is an array of shape ``(m, d)`` and ``labels`` holds 0 or 1 for each of the
``m`` samples (class indices ``0 … k−1`` for softmax). There is no intercept: the score of
a sample is ``z = θᵀx``, the lecture's recipe.

The loss comes in two forms:

- **sum**: ``Σᵢ ℓᵢ(θ) + ‖θ‖² / (2C)``
- **mean**: ``(1/m) Σᵢ ℓᵢ(θ) + ‖θ‖² / (2Cm)``

with the per-sample log-loss ``ℓᵢ = −[yᵢ log h(xᵢ) + (1−yᵢ) log(1−h(xᵢ))]``, ``h = σ(θᵀx)``.
scikit-learn minimises ``C·Σᵢ ℓᵢ + ½‖θ‖²``, which is ``C`` times the sum form, so both
forms have scikit-learn's minimiser. The mean form is the lecture's
``J(θ) + (λ/2m) Σⱼ θⱼ²`` with ``λ = 1/C``; ``C = inf`` (the default) means no penalty.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.multiclass import OneVsRestClassifier

from musicml.errors import ParameterError
from musicml.validation import check_choice

REDUCTIONS = ("mean", "sum")
METHODS = ("plain", "momentum", "newton")
SURFACE_BLOCK = 256
"""Grid points per block in :func:`loss_surface`: a (256, m) float32 block stays in cache."""


def sigmoid(z: np.ndarray | float) -> np.ndarray:
    """The logistic function 1 / (1 + e^(−z)), computed without overflow."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def softplus(u: np.ndarray | float) -> np.ndarray:
    """log(1 + e^u) without overflow: max(u, 0) + log1p(e^(−|u|))."""
    u = np.asarray(u, dtype=float)
    return np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u)))


# --------------------------------------------------------------------------- validation


def _check_C(C: float) -> float:
    C = float(C)
    if not C > 0:
        raise ParameterError(
            "C must be a positive number (inf for no penalty); got {C!r}. "
            "Smaller C means a stronger L2 penalty.",
            C=C,
        )
    return C


def _check_problem(features, labels) -> tuple[np.ndarray, np.ndarray]:
    """Features as float (m, d) and labels as float 0/1 (m,)."""
    X = np.asarray(features, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ParameterError(
            "features must have shape (n_samples, n_features); got shape {features_shape}. "
            "Pass one row per sample.",
            features_shape=X.shape,
        )
    y = np.asarray(labels)
    if y.shape != (X.shape[0],):
        raise ParameterError(
            "labels must have one entry per sample, shape ({n_samples},); got {y_shape}.",
            n_samples=X.shape[0],
            y_shape=y.shape,
        )
    if not np.isin(y, (0, 1)).all():
        raise ParameterError(
            "labels must be 0 or 1; got values {values}. "
            "Turn a class into 1 and every other class into 0 first.",
            values=np.unique(y)[:5].tolist(),
        )
    return X, y.astype(float)


def _check_point(theta, features, labels, C, reduction):
    """``(θ as (d,), X, y, C, reduction)`` checked, for derivatives at one θ."""
    X, y = _check_problem(features, labels)
    C, reduction = _check_C(C), check_choice("reduction", reduction, REDUCTIONS)
    return np.asarray(theta, dtype=float).reshape(X.shape[1]), X, y, C, reduction


def _reduced(total, m: int, reduction: str):
    """The summed form as is, or divided by the m samples in the mean form."""
    return total / m if reduction == "mean" else total


def _penalty_weight(C: float) -> float:
    """1/C, the λ of the lecture's ‖θ‖²·λ/2 (0 for no penalty)."""
    return 0.0 if math.isinf(C) else 1.0 / C


# --------------------------------------------------------------------------- binary loss


def log_loss(
    theta: np.ndarray,
    features: np.ndarray,
    labels: np.ndarray,
    *,
    C: float = math.inf,
    reduction: str = "mean",
) -> float | np.ndarray:
    """The (optionally L2-penalised) logistic loss at one θ or a batch of them.

    Parameters
    ----------
    theta : np.ndarray
        Shape ``(d,)``, or ``(n, d)`` for ``n`` parameter vectors at once.
    features : np.ndarray
        Shape ``(m, d)``.
    labels : np.ndarray
        Shape ``(m,)``, 0 or 1.
    C : float, default inf
        scikit-learn's inverse penalty strength; ``inf`` means no penalty.
    reduction : {"mean", "sum"}, default "mean"
        See the module docstring.

    Returns
    -------
    float or np.ndarray
        A float for one θ, shape ``(n,)`` for a batch.
    """
    X, y = _check_problem(features, labels)
    C, reduction = _check_C(C), check_choice("reduction", reduction, REDUCTIONS)
    theta = np.asarray(theta, dtype=float)
    thetas = np.atleast_2d(theta)
    if thetas.shape[-1] != X.shape[1]:
        raise ParameterError(
            "theta must have {n_features} entries (one per feature); got shape {theta_shape}.",
            n_features=X.shape[1],
            theta_shape=theta.shape,
        )
    signs = 2.0 * y - 1.0
    # ℓ = log(1 + e^(−s·z)) with s = ±1: the cross-entropy of both classes in one form.
    total = softplus(-(thetas @ X.T) * signs).sum(axis=-1)
    total += 0.5 * _penalty_weight(C) * (thetas**2).sum(axis=-1)
    total = _reduced(total, X.shape[0], reduction)
    return float(total[0]) if theta.ndim == 1 else total


def log_loss_gradient(
    theta: np.ndarray,
    features: np.ndarray,
    labels: np.ndarray,
    *,
    C: float = math.inf,
    reduction: str = "mean",
) -> np.ndarray:
    """∂J/∂θ = Σᵢ (h(xᵢ) − yᵢ) xᵢ + θ/C (divided by m in the mean form).

    Returns
    -------
    np.ndarray
        Shape ``(d,)``.
    """
    theta, X, y, C, reduction = _check_point(theta, features, labels, C, reduction)
    return _reduced(_gradient_sum(theta, X, y, _penalty_weight(C)), X.shape[0], reduction)


def _gradient_sum(theta: np.ndarray, X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """The sum-form gradient of checked inputs: Σᵢ (h(xᵢ) − yᵢ) xᵢ + λθ."""
    return X.T @ (sigmoid(X @ theta) - y) + lam * theta


def _hessian_sum(theta: np.ndarray, X: np.ndarray, lam: float) -> np.ndarray:
    """The sum-form Hessian of checked inputs: Σᵢ h(1 − h) xᵢxᵢᵀ + λI."""
    h = sigmoid(X @ theta)
    return (X * (h * (1.0 - h))[:, None]).T @ X + lam * np.eye(X.shape[1])


def log_loss_hessian(
    theta: np.ndarray,
    features: np.ndarray,
    labels: np.ndarray,
    *,
    C: float = math.inf,
    reduction: str = "mean",
) -> np.ndarray:
    """∂²J/∂θ² = Xᵀ diag(h(1 − h)) X + I/C (divided by m in the mean form).

    Returns
    -------
    np.ndarray
        Shape ``(d, d)``.
    """
    theta, X, _, C, reduction = _check_point(theta, features, labels, C, reduction)
    return _reduced(_hessian_sum(theta, X, _penalty_weight(C)), X.shape[0], reduction)


def loss_surface(
    features: np.ndarray,
    labels: np.ndarray,
    theta1: np.ndarray,
    theta2: np.ndarray,
    *,
    C: float = math.inf,
    reduction: str = "mean",
) -> np.ndarray:
    """The loss at every point of a (θ1, θ2) grid, for two features and no intercept.

    All scores of a block of grid points are one matrix product ``U = Θ·Aᵀ`` with
    ``A = −s·X`` (so ``uᵢ = −sᵢ θᵀxᵢ``); the loss is the sum over samples of
    ``max(u, 0) + log(1 + e^(−|u|))``, evaluated in float32 (numpy's SIMD exp and log)
    over blocks that fit in cache. The absolute error of a sum over m samples is
    about ``m · 1e-7``; the penalty is added in float64.

    Parameters
    ----------
    features : np.ndarray
        Shape ``(m, 2)``.
    labels : np.ndarray
        Shape ``(m,)``, 0 or 1.
    theta1, theta2 : np.ndarray
        Grid axes, shapes ``(n1,)`` and ``(n2,)``.

    Returns
    -------
    np.ndarray
        Shape ``(n2, n1)`` (rows follow θ2, as plotly's contour expects), float64.
    """
    X, y = _check_problem(features, labels)
    C, reduction = _check_C(C), check_choice("reduction", reduction, REDUCTIONS)
    if X.shape[1] != 2:
        raise ParameterError(
            "loss_surface needs exactly 2 features; got {n_features}. "
            "Pick two features (or two principal components) first.",
            n_features=X.shape[1],
        )
    t1 = np.asarray(theta1, dtype=float).ravel()
    t2 = np.asarray(theta2, dtype=float).ravel()
    if t1.size == 0 or t2.size == 0:
        raise ParameterError("theta1 and theta2 must each hold at least one value.")
    T1, T2 = np.meshgrid(t1, t2)
    grid = np.stack([T1.ravel(), T2.ravel()], axis=1).astype(np.float32)
    A = (-(2.0 * y - 1.0)[:, None] * X).T.astype(np.float32)  # (2, m)
    out = np.empty(len(grid), dtype=np.float32)
    for start in range(0, len(grid), SURFACE_BLOCK):
        u = grid[start : start + SURFACE_BLOCK] @ A
        a = np.abs(u)
        np.negative(a, out=a)
        np.exp(a, out=a)
        a += 1.0
        np.log(a, out=a)
        np.maximum(u, 0.0, out=u)
        u += a
        out[start : start + SURFACE_BLOCK] = u.sum(axis=1)
    total = out.astype(float).reshape(T1.shape)
    total += 0.5 * _penalty_weight(C) * (T1**2 + T2**2)
    return _reduced(total, X.shape[0], reduction)


def loss_slices(
    features: np.ndarray,
    labels: np.ndarray,
    center: np.ndarray,
    *,
    half_width: float = 0.6,
    resolution: int = 200,
    C: float = math.inf,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """J(θ1) with θ2 held at ``center[1]``, and J(θ2) with θ1 held at ``center[0]``.

    Returns
    -------
    tuple of np.ndarray
        ``(theta1, loss_along_theta1, theta2, loss_along_theta2)``, each of shape
        ``(resolution,)``; mean form.
    """
    center = np.asarray(center, dtype=float).reshape(2)
    t1, t2 = window_axes(center, half_width=half_width, resolution=resolution)
    along1 = np.stack([t1, np.full_like(t1, center[1])], axis=1)
    along2 = np.stack([np.full_like(t2, center[0]), t2], axis=1)
    return (
        t1,
        log_loss(along1, features, labels, C=C),
        t2,
        log_loss(along2, features, labels, C=C),
    )


def window_axes(
    center: np.ndarray, *, half_width: float = 0.6, resolution: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """Grid axes ``center ± half_width`` with ``resolution`` points each."""
    if not half_width > 0:
        raise ParameterError(
            "half_width must be positive; got {half_width!r}.", half_width=half_width
        )
    if resolution < 2:
        raise ParameterError(
            "resolution must be at least 2; got {resolution!r}.", resolution=resolution
        )
    c1, c2 = np.asarray(center, dtype=float).reshape(2)
    return (
        np.linspace(c1 - half_width, c1 + half_width, resolution),
        np.linspace(c2 - half_width, c2 + half_width, resolution),
    )


def path_axes(
    points: np.ndarray, *, margin: float = 0.15, resolution: int = 150, max_half_width: float = 25
) -> tuple[np.ndarray, np.ndarray]:
    """Grid axes covering every point of a descent path (plus a margin), capped in size.

    Parameters
    ----------
    points : np.ndarray
        Shape ``(n, 2)``: the path and anything else that must be visible.
    max_half_width : float, default 25
        A diverging path is cut off: the window never exceeds the first point
        ``± max_half_width``.
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    pts = pts[np.isfinite(pts).all(axis=1)]
    anchor = pts[0]
    pts = np.clip(pts, anchor - max_half_width, anchor + max_half_width)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = np.maximum(margin * (hi - lo).max(), 0.3)
    return (
        np.linspace(lo[0] - pad, hi[0] + pad, resolution),
        np.linspace(lo[1] - pad, hi[1] + pad, resolution),
    )


# --------------------------------------------------------------------------- optimisation


def logistic_optimum(
    features: np.ndarray, labels: np.ndarray, *, C: float = math.inf
) -> np.ndarray:
    """scikit-learn's solution: ``LogisticRegression(fit_intercept=False, C=C)``.

    Solved to a tight tolerance (Newton–Cholesky) so it can be compared with our
    minimiser digit for digit.

    Returns
    -------
    np.ndarray
        θ, shape ``(d,)``.

    Raises
    ------
    ParameterError
        When ``C`` is inf and a line through the origin separates the classes: the
        unpenalised loss then has no minimum (θ runs off to infinity).
    """
    X, y = _check_problem(features, labels)
    C = _check_C(C)
    if np.unique(y).size < 2:
        raise ParameterError(
            "labels must contain both classes (0 and 1); got only one. "
            "Choose data with samples of both classes."
        )
    model = LogisticRegression(
        fit_intercept=False, C=C, solver="newton-cholesky", tol=1e-10, max_iter=1000
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    theta = model.coef_.ravel().copy()
    if math.isinf(C) and (((2 * y - 1) * (X @ theta)) > 0).all():
        raise ParameterError(
            "C = inf (no penalty) has no optimum here: a line through the origin separates "
            "the two classes, so the loss keeps falling as θ grows. Choose a finite C."
        )
    return theta


@dataclass(frozen=True)
class DescentPath:
    """Where an optimiser went.

    Attributes
    ----------
    thetas : np.ndarray
        Shape ``(steps + 1, d)``: the start and θ after every step.
    losses : np.ndarray
        Shape ``(steps + 1,)``: the mean-form loss at each θ.
    method : str
        ``"plain"``, ``"momentum"`` or ``"newton"``.
    """

    thetas: np.ndarray
    losses: np.ndarray
    method: str

    @property
    def end(self) -> np.ndarray:
        """The last θ, shape ``(d,)``."""
        return self.thetas[-1]


def gradient_descent(
    features: np.ndarray,
    labels: np.ndarray,
    *,
    start: tuple[float, ...] | np.ndarray = (0.0, 0.0),
    learning_rate: float = 1.0,
    steps: int = 100,
    C: float = math.inf,
    method: str = "plain",
    momentum: float = 0.9,
) -> DescentPath:
    """Minimise the mean-form loss from ``start`` and record the path.

    Parameters
    ----------
    start : sequence of float, default (0, 0)
        θ₀, one entry per feature.
    learning_rate : float, default 1.0
        Step size α of ``θ ← θ − α ∇J`` (plain and momentum; Newton ignores it).
    steps : int, default 100
        Number of updates.
    method : {"plain", "momentum", "newton"}, default "plain"
        ``momentum``: heavy ball, ``v ← βv − α∇J, θ ← θ + v``.
        ``newton``: ``θ ← θ − H⁻¹∇J``, which solves the local quadratic exactly.
    momentum : float, default 0.9
        β, the share of the previous step that is kept.

    Returns
    -------
    DescentPath
        ``steps + 1`` parameter vectors and their losses.
    """
    X, y = _check_problem(features, labels)
    C = _check_C(C)
    check_choice("method", method, METHODS)
    if not (isinstance(steps, int | np.integer) and 0 <= steps <= 100_000):
        raise ParameterError(
            "steps must be a whole number from 0 to 100000; got {steps!r}.", steps=steps
        )
    if not learning_rate > 0:
        raise ParameterError(
            "learning_rate must be positive; got {learning_rate!r}.", learning_rate=learning_rate
        )
    if not 0 <= momentum < 1:
        raise ParameterError("momentum must be in [0, 1); got {momentum!r}.", momentum=momentum)
    theta = np.asarray(start, dtype=float).ravel()
    if theta.shape != (X.shape[1],):
        raise ParameterError(
            "start must have {n_features} entries (one per feature); got {theta_size}.",
            n_features=X.shape[1],
            theta_size=theta.size,
        )
    m, lam = X.shape[0], _penalty_weight(C)
    thetas = np.empty((steps + 1, X.shape[1]))
    thetas[0] = theta
    velocity = np.zeros_like(theta)
    eye = np.eye(X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            grad = _gradient_sum(theta, X, y, lam) / m  # the mean form, as the page shows
            if method == "plain":
                theta = theta - learning_rate * grad
            elif method == "momentum":
                velocity = momentum * velocity - learning_rate * grad
                theta = theta + velocity
            else:
                hess = _hessian_sum(theta, X, lam) / m
                # A tiny ridge keeps the solve defined where every sample is already certain.
                theta = theta - np.linalg.solve(hess + 1e-12 * eye, grad)
            thetas[k + 1] = theta
        # A diverging path overflows to inf; its loss is simply not a number.
        losses = log_loss(np.nan_to_num(thetas, nan=0.0), X, y, C=C)
    losses[~np.isfinite(thetas).all(axis=1)] = np.nan
    return DescentPath(thetas=thetas, losses=losses, method=method)


# --------------------------------------------------------------------------- softmax


def softmax(scores: np.ndarray, *, axis: int = -1) -> np.ndarray:
    """e^(zₖ) / Σⱼ e^(zⱼ) along ``axis``, shifted by the maximum so nothing overflows."""
    scores = np.asarray(scores, dtype=float)
    shifted = scores - scores.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_cross_entropy(
    weights: np.ndarray,
    features: np.ndarray,
    labels: np.ndarray,
    *,
    C: float = math.inf,
    reduction: str = "mean",
) -> float:
    """Multinomial loss ``Σᵢ [log Σₖ e^(wₖᵀxᵢ) − w_{yᵢ}ᵀxᵢ] + ‖W‖²/(2C)`` (÷ m for mean).

    Parameters
    ----------
    weights : np.ndarray
        Shape ``(k, d)``: one row of weights per class.
    features : np.ndarray
        Shape ``(m, d)``.
    labels : np.ndarray
        Shape ``(m,)``, class indices ``0 … k−1``.
    """
    W = np.asarray(weights, dtype=float)
    X = np.asarray(features, dtype=float)
    labels = np.asarray(labels)
    C, reduction = _check_C(C), check_choice("reduction", reduction, REDUCTIONS)
    if W.ndim != 2 or X.ndim != 2 or W.shape[1] != X.shape[1]:
        raise ParameterError(
            "weights must have shape (n_classes, n_features) matching features {features_shape}; "
            "got {weights_shape}.",
            features_shape=X.shape,
            weights_shape=W.shape,
        )
    if labels.shape != (X.shape[0],) or not np.isin(labels, np.arange(W.shape[0])).all():
        raise ParameterError(
            "labels must be {n_samples} class indices in 0…{highest}; "
            "got shape {labels_shape} with values {values}.",
            n_samples=X.shape[0],
            highest=W.shape[0] - 1,
            labels_shape=labels.shape,
            values=np.unique(labels)[:5].tolist(),
        )
    scores = X @ W.T
    top = scores.max(axis=1)
    log_norm = top + np.log(np.exp(scores - top[:, None]).sum(axis=1))
    total = float((log_norm - scores[np.arange(len(labels)), labels]).sum())
    total += 0.5 * _penalty_weight(C) * float((W**2).sum())
    return _reduced(total, X.shape[0], reduction)


# --------------------------------------------------------------------------- multiclass


@dataclass(frozen=True)
class MulticlassComparison:
    """Decision regions of one-vs-rest and multinomial logistic regression.

    Attributes
    ----------
    grid_x, grid_y : np.ndarray
        Axes of the region grid, shapes ``(nx,)`` and ``(ny,)``.
    regions_ovr, regions_softmax : np.ndarray
        Predicted class index on the grid, shape ``(ny, nx)``.
    accuracy_ovr, accuracy_softmax : float
        Accuracy on the data the models were fitted to.
    cv_accuracy_ovr, cv_accuracy_softmax : float
        Mean accuracy over a seeded stratified 5-fold cross-validation.
    """

    grid_x: np.ndarray
    grid_y: np.ndarray
    regions_ovr: np.ndarray
    regions_softmax: np.ndarray
    accuracy_ovr: float
    accuracy_softmax: float
    cv_accuracy_ovr: float
    cv_accuracy_softmax: float


def compare_multiclass(
    features: np.ndarray,
    labels: np.ndarray,
    *,
    C: float = 1.0,
    resolution: int = 200,
    seed: int = 0,
) -> MulticlassComparison:
    """Fit one-vs-rest and multinomial (softmax) logistic regression on 2-D data.

    Both models have an intercept here (regions of three or more classes need one);
    one-vs-rest is ``OneVsRestClassifier(LogisticRegression(C=C))`` and multinomial is
    plain ``LogisticRegression(C=C)``.

    Parameters
    ----------
    features : np.ndarray
        Shape ``(m, 2)``.
    labels : np.ndarray
        Shape ``(m,)``, class indices; at least three classes.
    """
    X = np.asarray(features, dtype=float)
    labels = np.asarray(labels)
    C = _check_C(C)
    if X.ndim != 2 or X.shape[1] != 2 or labels.shape != (X.shape[0],):
        raise ParameterError(
            "features must have shape (n_samples, 2) and labels one entry per sample; "
            "got {features_shape} and {labels_shape}.",
            features_shape=X.shape,
            labels_shape=labels.shape,
        )
    classes, counts = np.unique(labels, return_counts=True)
    if classes.size < 3:
        raise ParameterError(
            "compare_multiclass needs at least 3 classes; got {classes_size}. "
            "With two classes one-vs-rest and softmax are the same model.",
            classes_size=classes.size,
        )
    binary = LogisticRegression(C=C, max_iter=1000)
    ovr = OneVsRestClassifier(binary)
    softmax_model = LogisticRegression(C=C, max_iter=1000)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (hi - lo) + 1e-9
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    GX, GY = np.meshgrid(gx, gy)
    grid = np.column_stack([GX.ravel(), GY.ravel()])
    folds = StratifiedKFold(n_splits=min(5, int(counts.min())), shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ovr.fit(X, labels)
        softmax_model.fit(X, labels)
        cv_ovr = cross_val_score(ovr, X, labels, cv=folds).mean() if counts.min() >= 2 else np.nan
        cv_soft = (
            cross_val_score(softmax_model, X, labels, cv=folds).mean()
            if counts.min() >= 2
            else np.nan
        )
    index = {c: i for i, c in enumerate(classes)}
    to_index = np.vectorize(index.__getitem__)
    return MulticlassComparison(
        grid_x=gx,
        grid_y=gy,
        regions_ovr=to_index(ovr.predict(grid)).reshape(GX.shape),
        regions_softmax=to_index(softmax_model.predict(grid)).reshape(GX.shape),
        accuracy_ovr=float(ovr.score(X, labels)),
        accuracy_softmax=float(softmax_model.score(X, labels)),
        cv_accuracy_ovr=float(cv_ovr),
        cv_accuracy_softmax=float(cv_soft),
    )


# --------------------------------------------------------------------------- downloads


def surface_csv(theta1: np.ndarray, theta2: np.ndarray, surface: np.ndarray) -> bytes:
    """A loss grid as CSV with columns ``theta1,theta2,loss`` (one row per grid point)."""
    T1, T2 = np.meshgrid(np.asarray(theta1, float), np.asarray(theta2, float))
    table = np.column_stack([T1.ravel(), T2.ravel(), np.asarray(surface, float).ravel()])
    return _csv(table, "theta1,theta2,loss")


def path_csv(path: DescentPath) -> bytes:
    """A descent path as CSV with columns ``step,theta1,…,loss``."""
    d = path.thetas.shape[1]
    table = np.column_stack([np.arange(len(path.losses)), path.thetas, path.losses])
    header = ",".join(["step", *(f"theta{j + 1}" for j in range(d)), "loss"])
    return _csv(table, header)


def _csv(table: np.ndarray, header: str) -> bytes:
    buffer = io.StringIO()
    np.savetxt(buffer, table, delimiter=",", header=header, comments="", fmt="%.10g")
    return buffer.getvalue().encode()
