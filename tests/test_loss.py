"""The loss-surface maths checked against analytic facts, finite differences and scikit-learn."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss as sklearn_log_loss

from musicml import loss
from musicml.errors import ParameterError
from musicml.lossdata import breast_cancer_data, iris_data

GD_TOLERANCE = 1e-3
"""The issue's bar: gradient descent ends within this of scikit-learn's θ."""
FD_STEP = 1e-6
FD_TOLERANCE = 1e-6
C_VALUES = (0.01, 0.1, 1.0, 1000.0, math.inf)


@pytest.fixture(scope="module")
def lecture():
    data = breast_cancer_data()
    return data.features, data.binary_labels(1)


def naive_sklearn_objective(theta, features, labels, C):
    """scikit-learn's documented L2 objective, written out sample by sample.

    ``C Σᵢ log(exp(−yᵢ xᵢᵀθ) + 1) + ½ θᵀθ`` with yᵢ in {−1, 1} (User Guide,
    "Logistic regression", binary case, no intercept).
    """
    total = 0.0
    for x, label in zip(features, labels, strict=True):
        y = 1.0 if label == 1 else -1.0
        total += math.log(math.exp(-y * float(x @ theta)) + 1.0)
    return C * total + 0.5 * float(theta @ theta)


# ----------------------------------------------------------------------------- sigmoid


def test_sigmoid_known_values_and_extremes():
    z = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])
    s = loss.sigmoid(z)
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s, [0.0, 1 / (1 + math.e), 0.5, 1 / (1 + math.exp(-1)), 1.0])
    np.testing.assert_allclose(loss.sigmoid(-z), 1 - s, atol=1e-15)


def test_softplus_is_log_one_plus_exp_without_overflow():
    u = np.array([-50.0, -1.0, 0.0, 2.0, 800.0])
    np.testing.assert_allclose(loss.softplus(u[:4]), np.log1p(np.exp(u[:4])))
    assert loss.softplus(800.0) == pytest.approx(800.0)


# ----------------------------------------------------------------------------- loss


@pytest.mark.parametrize("C", [0.05, 1.0, 1000.0])
def test_regularised_loss_equals_sklearn_objective(lecture, C):
    features, labels = lecture
    rng = np.random.default_rng(0)
    for theta in rng.normal(0, 2, size=(4, 2)):
        ours = C * loss.log_loss(theta, features, labels, C=C, reduction="sum")
        assert ours == pytest.approx(naive_sklearn_objective(theta, features, labels, C), rel=1e-12)
        # The data term is scikit-learn's own log-loss (a second, independent implementation).
        data_term = sklearn_log_loss(
            labels, loss.sigmoid(features @ theta), normalize=False, labels=[0, 1]
        )
        ours_sum = loss.log_loss(theta, features, labels, C=C, reduction="sum")
        assert ours_sum == pytest.approx(data_term + theta @ theta / (2 * C), rel=1e-12)


@pytest.mark.parametrize("C", C_VALUES)
def test_sklearn_optimum_minimises_our_loss(lecture, C):
    features, labels = lecture
    theta = loss.logistic_optimum(features, labels, C=C)
    grad = loss.log_loss_gradient(theta, features, labels, C=C)
    assert np.abs(grad).max() < 1e-8
    best = loss.log_loss(theta, features, labels, C=C)
    around = theta + 1e-3 * np.array([[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, 1]])
    assert (loss.log_loss(around, features, labels, C=C) > best).all()


def test_lecture_optima(lecture):
    features, labels = lecture
    np.testing.assert_allclose(
        loss.logistic_optimum(features, labels, C=math.inf), [-3.96, -0.89], atol=0.01
    )
    np.testing.assert_allclose(
        loss.logistic_optimum(features, labels, C=1.0), [-3.55, -0.83], atol=0.01
    )


def test_mean_form_is_sum_form_over_m(lecture):
    features, labels = lecture
    theta = np.array([-1.0, 0.5])
    total = loss.log_loss(theta, features, labels, C=2.0, reduction="sum")
    mean = loss.log_loss(theta, features, labels, C=2.0, reduction="mean")
    assert mean == pytest.approx(total / len(labels))


def test_batch_of_thetas_matches_one_at_a_time(lecture):
    features, labels = lecture
    thetas = np.random.default_rng(1).normal(size=(5, 2))
    batch = loss.log_loss(thetas, features, labels, C=0.5)
    assert batch.shape == (5,)
    singles = [loss.log_loss(t, features, labels, C=0.5) for t in thetas]
    np.testing.assert_allclose(batch, singles, rtol=1e-14)


# ----------------------------------------------------------------------------- gradient


@pytest.mark.parametrize("C", [0.1, 1.0, math.inf])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_gradient_matches_finite_differences(lecture, C, reduction):
    features, labels = lecture
    scale = 1.0 if reduction == "mean" else 1.0 / len(labels)
    for theta in np.random.default_rng(2).normal(0, 2, size=(3, 2)):
        grad = loss.log_loss_gradient(theta, features, labels, C=C, reduction=reduction)
        steps = FD_STEP * np.eye(2)
        plus = loss.log_loss(theta + steps, features, labels, C=C, reduction=reduction)
        minus = loss.log_loss(theta - steps, features, labels, C=C, reduction=reduction)
        numeric = (plus - minus) / (2 * FD_STEP)
        np.testing.assert_allclose(grad * scale, numeric * scale, atol=FD_TOLERANCE)


def test_hessian_matches_finite_differences_of_gradient(lecture):
    features, labels = lecture
    theta = np.array([-2.0, 0.3])
    hess = loss.log_loss_hessian(theta, features, labels, C=0.5)
    numeric = np.column_stack(
        [
            (
                loss.log_loss_gradient(theta + FD_STEP * e, features, labels, C=0.5)
                - loss.log_loss_gradient(theta - FD_STEP * e, features, labels, C=0.5)
            )
            / (2 * FD_STEP)
            for e in np.eye(2)
        ]
    )
    np.testing.assert_allclose(hess, numeric, atol=FD_TOLERANCE)


# ----------------------------------------------------------------------------- surface


@pytest.mark.parametrize("C", [0.1, 1.0, math.inf])
def test_grid_minimum_is_sklearn_optimum(lecture, C):
    features, labels = lecture
    theta = loss.logistic_optimum(features, labels, C=C)
    # An off-centre window, so the answer is not simply "the middle of the grid".
    t1 = np.linspace(theta[0] - 0.5, theta[0] + 0.7, 200)
    t2 = np.linspace(theta[1] - 0.7, theta[1] + 0.45, 200)
    grid = loss.loss_surface(features, labels, t1, t2, C=C)
    assert grid.shape == (200, 200)
    row, col = np.unravel_index(np.argmin(grid), grid.shape)
    assert abs(t1[col] - theta[0]) <= t1[1] - t1[0]
    assert abs(t2[row] - theta[1]) <= t2[1] - t2[0]


def test_surface_matches_exact_loss(lecture):
    features, labels = lecture
    t1 = np.linspace(-6, 2, 23)
    t2 = np.linspace(-3, 3, 17)
    grid = loss.loss_surface(features, labels, t1, t2, C=0.3, reduction="sum")
    T1, T2 = np.meshgrid(t1, t2)
    exact = loss.log_loss(
        np.column_stack([T1.ravel(), T2.ravel()]), features, labels, C=0.3, reduction="sum"
    ).reshape(grid.shape)
    # float32 terms: the sum of 569 of them is good to about 1e-4 absolute.
    np.testing.assert_allclose(grid, exact, rtol=1e-5, atol=1e-3)


def test_slices_pass_through_the_center(lecture):
    features, labels = lecture
    theta = loss.logistic_optimum(features, labels, C=1.0)
    t1, j1, t2, j2 = loss.loss_slices(features, labels, theta, half_width=0.6, resolution=201, C=1)
    assert t1[100] == pytest.approx(theta[0]) and t2[100] == pytest.approx(theta[1])
    assert np.argmin(j1) == 100 and np.argmin(j2) == 100
    assert j1[100] == pytest.approx(j2[100])


def test_path_axes_cover_every_point_and_cap_divergence():
    points = np.array([[0.0, 0.0], [-3.5, -0.8], [1e9, 1e9]])
    t1, t2 = loss.path_axes(points, max_half_width=25)
    assert t1[0] < -3.5 and t2[0] < -0.8
    assert t1[-1] < 30 and t2[-1] < 30


# ----------------------------------------------------------------------------- descent


@pytest.mark.parametrize("C", C_VALUES)
@pytest.mark.parametrize(
    ("method", "rate", "steps"), [("plain", 3.0, 1000), ("momentum", 0.5, 500), ("newton", 1, 15)]
)
def test_descent_reaches_sklearn_optimum(lecture, C, method, rate, steps):
    features, labels = lecture
    path = loss.gradient_descent(
        features, labels, learning_rate=rate, steps=steps, C=C, method=method
    )
    assert path.thetas.shape == (steps + 1, 2) and path.losses.shape == (steps + 1,)
    np.testing.assert_allclose(path.thetas[0], [0.0, 0.0])
    theta = loss.logistic_optimum(features, labels, C=C)
    assert np.abs(path.end - theta).max() < GD_TOLERANCE
    assert path.losses[-1] <= path.losses[0]


def test_plain_descent_never_increases_the_loss_with_a_small_step(lecture):
    features, labels = lecture
    path = loss.gradient_descent(features, labels, learning_rate=1.0, steps=50, C=1.0)
    assert (np.diff(path.losses) <= 1e-15).all()


def test_descent_validates_its_options(lecture):
    features, labels = lecture
    with pytest.raises(ParameterError, match="method"):
        loss.gradient_descent(features, labels, method="adam")
    with pytest.raises(ParameterError, match="learning_rate"):
        loss.gradient_descent(features, labels, learning_rate=0)
    with pytest.raises(ParameterError, match="start"):
        loss.gradient_descent(features, labels, start=(0.0, 0.0, 0.0))
    with pytest.raises(ParameterError, match="steps"):
        loss.gradient_descent(features, labels, steps=-1)


# ----------------------------------------------------------------------------- softmax


def test_softmax_rows_sum_to_one_and_ignore_shifts():
    scores = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, -1000.0]])
    p = loss.softmax(scores)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[1], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(loss.softmax(scores[:1] + 7.0), p[:1])


def test_two_class_softmax_is_the_sigmoid_model(lecture):
    features, labels = lecture
    theta = np.array([-3.0, -0.5])
    z = features @ theta
    probs = loss.softmax(np.column_stack([np.zeros_like(z), z]))
    np.testing.assert_allclose(probs[:, 1], loss.sigmoid(z), rtol=1e-12)
    weights = np.vstack([np.zeros(2), theta])
    for C in (0.5, math.inf):
        assert loss.softmax_cross_entropy(weights, features, labels, C=C) == pytest.approx(
            loss.log_loss(theta, features, labels, C=C), rel=1e-12
        )


def test_sklearn_multinomial_minimises_softmax_cross_entropy():
    data = iris_data(features=(0, 1))
    C = 1.0
    model = LogisticRegression(fit_intercept=False, C=C, tol=1e-10, max_iter=1000)
    model.fit(data.features, data.labels)
    W = model.coef_
    best = loss.softmax_cross_entropy(W, data.features, data.labels, C=C)
    rng = np.random.default_rng(3)
    for _ in range(5):
        nudged = W + 1e-3 * rng.normal(size=W.shape)
        assert loss.softmax_cross_entropy(nudged, data.features, data.labels, C=C) > best


# ----------------------------------------------------------------------------- multiclass


def test_compare_multiclass_on_iris():
    data = iris_data(features=(0, 1))
    result = loss.compare_multiclass(data.features, data.labels, C=1.0, resolution=50)
    assert result.regions_ovr.shape == result.regions_softmax.shape == (50, 50)
    assert set(np.unique(result.regions_softmax)) == {0, 1, 2}
    for accuracy in (result.accuracy_ovr, result.accuracy_softmax):
        assert 0.7 < accuracy <= 1.0
    assert 0.6 < result.cv_accuracy_ovr <= 1.0 and 0.6 < result.cv_accuracy_softmax <= 1.0
    # The two strategies draw different regions on sepal measurements.
    assert (result.regions_ovr != result.regions_softmax).mean() > 0.01


def test_compare_multiclass_needs_three_classes(lecture):
    features, labels = lecture
    with pytest.raises(ParameterError, match="at least 3 classes"):
        loss.compare_multiclass(features, labels)


# ----------------------------------------------------------------------------- errors, csv


def test_validation_messages(lecture):
    features, labels = lecture
    with pytest.raises(ParameterError, match="C must be a positive"):
        loss.log_loss(np.zeros(2), features, labels, C=0)
    with pytest.raises(ParameterError, match="labels must be 0 or 1"):
        loss.log_loss(np.zeros(2), features, labels + 1)
    with pytest.raises(ParameterError, match="theta must have 2"):
        loss.log_loss(np.zeros(3), features, labels)
    with pytest.raises(ParameterError, match="exactly 2 features"):
        loss.loss_surface(np.ones((4, 3)), [0, 1, 0, 1], [0.0], [0.0])
    with pytest.raises(ParameterError, match="reduction"):
        loss.log_loss(np.zeros(2), features, labels, reduction="median")


def test_unpenalised_optimum_of_separable_data_is_refused():
    features = np.array([[1.0, 0.0], [2.0, 1.0], [-1.0, 0.5], [-2.0, -1.0]])
    labels = np.array([1, 1, 0, 0])
    with pytest.raises(ParameterError, match="finite C"):
        loss.logistic_optimum(features, labels, C=math.inf)
    assert np.all(np.isfinite(loss.logistic_optimum(features, labels, C=1.0)))


def test_csv_downloads_round_trip(lecture):
    features, labels = lecture
    t1, t2 = np.linspace(-1, 1, 4), np.linspace(0, 1, 3)
    grid = loss.loss_surface(features, labels, t1, t2)
    table = np.loadtxt(
        io.StringIO(loss.surface_csv(t1, t2, grid).decode()), delimiter=",", skiprows=1
    )
    assert table.shape == (12, 3)
    np.testing.assert_allclose(table[:, 2], grid.ravel(), rtol=1e-9)
    path = loss.gradient_descent(features, labels, steps=5)
    text = loss.path_csv(path).decode()
    assert text.splitlines()[0] == "step,theta1,theta2,loss"
    assert len(text.splitlines()) == 7


# ----------------------------------------------------------------------------- figures


def test_descent_figure_animates_the_path_in_bounded_frames(lecture):
    from musicml.figures.loss import descent_figure

    features, labels = lecture
    path = loss.gradient_descent(features, labels, steps=300, learning_rate=3.0, C=1.0)
    t1, t2 = loss.path_axes(path.thetas, resolution=20)
    fig = descent_figure(t1, t2, loss.loss_surface(features, labels, t1, t2, C=1.0), path.thetas)
    assert [trace.type for trace in fig.data] == ["contour", "scatter"]
    assert 2 <= len(fig.frames) <= 60
    assert len(fig.frames[-1].data[0].x) == len(path.thetas), "the last frame is the whole path"
    assert len(fig.frames[0].data[0].x) == 1, "the first frame is the start point"


def test_contour_and_surface_stay_on_their_grid_and_leave_out_far_points(lecture):
    from musicml.figures.loss import contour_figure, outside_window, surface_figure

    features, labels = lecture
    t1, t2 = loss.window_axes((0.0, 0.0), half_width=0.5, resolution=11)
    grid = loss.loss_surface(features, labels, t1, t2, C=0.001)
    points = {"inside": np.array([0.1, -0.2]), "far": np.array([-3.96, -0.89])}
    assert list(outside_window(points, t1, t2)) == ["far"]
    fig = contour_figure(t1, t2, grid, points=points)
    assert [trace.name for trace in fig.data] == ["J", "inside"]
    assert list(fig.layout.xaxis.range) == [-0.5, 0.5]
    assert list(fig.layout.yaxis.range) == [-0.5, 0.5]
    surface = surface_figure(t1, t2, grid, optimum=points["far"], optimum_loss=1.0)
    assert [trace.type for trace in surface.data] == ["surface"], "no marker off the grid"
    assert list(surface.layout.scene.xaxis.range) == [-0.5, 0.5]
