"""Signal lab: convolution and smoothing, spectra and periods, FIR filters, Gabor features."""

import streamlit as st

from musicml.i18n import N_
from musicml.i18n import gettext as _
from musicml.ui.layout import page_setup

page_setup(
    N_("Signal lab"),
    ":material/waves:",
    N_(
        "The building blocks under every audio feature: **convolution** (sliding one signal along "
        "another), the **Fourier transform** (which frequencies a signal contains), **filters** "
        "that keep some frequencies and remove others, and **Gabor filters** that turn a sound "
        "into a fixed-length feature vector."
    ),
)

from musicml.ui.share import share_view  # after the title: it imports the core

share_view("signal_lab")

# The title shows at once; the heavier imports below load while it is on screen.
from musicml.figures.signals import (
    convolution_spectra_figure,
    fir_response_figure,
    gabor_bank_figure,
    gabor_features_figure,
    gabor_kernel_figure,
    noise_spectra_figure,
    power_spectrum_figure,
    signal_figure,
    smoothing_figure,
)
from musicml.gabor import GABOR_FEATURE_LENGTH
from musicml.ui import analysis as glue
from musicml.ui.cache import play, wav_of
from musicml.ui.layout import friendly_errors
from musicml.ui.state import control_default, session_datasets
from musicml.ui.widgets import audio_picker

MAX_TAPS = 401
VIEWS = [N_("Gaussian smoothing"), N_("Power spectrum"), N_("FIR low-pass"), N_("Gabor filters")]
view = (
    st.segmented_control(_("Experiment"), VIEWS, format_func=_, default=VIEWS[0], key="lab.view")
    or VIEWS[0]
)

if view == "Gaussian smoothing":
    st.markdown(
        _(
            "Smoothing replaces each sample by a weighted average of its neighbours: a "
            "**convolution** with a Gaussian of width σ. The **convolution theorem** says the "
            "spectrum of the result is the product of the two spectra, so the Gaussian's spectrum "
            "(itself a Gaussian, narrower for larger σ) switches off the high frequencies where "
            "most of the noise lives."
        )
    )
    st.latex(r"y = x * g_\sigma \quad\Longleftrightarrow\quad Y(f) = X(f)\,G_\sigma(f)")
    left, middle, right = st.columns(3)
    control_default("lab.sigma", 5.0)
    sigma = left.slider(
        _("σ (samples)"), 0.5, 30.0, step=0.5, key="lab.sigma", persist_state="page"
    )
    control_default("lab.noise", 0.6)
    noise = middle.slider(_("Noise"), 0.0, 2.0, step=0.1, key="lab.noise", persist_state="page")
    control_default("lab.period", 50)
    period = right.slider(_("Period (samples)"), 10, 200, key="lab.period", persist_state="page")
    with friendly_errors():
        smoothing = glue.smoothing_of(float(period), noise, sigma)
    check = smoothing["check"]
    st.plotly_chart(
        smoothing_figure(smoothing["noisy"], smoothing["smoothed"], sigma=sigma),
        key="lab.smoothing",
        alt=_("A noisy periodic signal and its Gaussian-smoothed version"),
    )
    st.plotly_chart(
        convolution_spectra_figure(
            check.frequencies,
            check.signal_spectrum,
            check.kernel_spectrum,
            check.product_spectrum,
            check.output_spectrum,
        ),
        key="lab.spectra",
        alt=_("Spectra of the signal, the Gaussian, their product and the smoothed signal"),
    )
    st.metric(
        _("Convolution theorem: largest difference, direct vs FFT"),
        f"{check.max_error:.1e}",
        help=_("Relative to the peak of the smoothed signal: the two sides agree to rounding."),
    )

elif view == "Power spectrum":
    st.markdown(
        _(
            "The FFT splits a signal into cosines; its **power spectrum** |X(f)|² shows how much "
            "of each frequency there is. A noisy cosine gives one clear peak, even when the "
            "waveform hides it; the peak's frequency f gives the **period** 1/f."
        )
    )
    st.latex(r"P(f) = \tfrac{1}{n}\,\left|\sum_{t} x_t\, e^{-2\pi i f t}\right|^2")
    left, middle, right = st.columns(3)
    control_default("lab.true_period", 37.0)
    period = left.slider(
        _("True period (samples)"),
        5.0,
        200.0,
        step=0.5,
        key="lab.true_period",
        persist_state="page",
    )
    control_default("lab.ps_noise", 1.5)
    noise = middle.slider(_("Noise"), 0.0, 4.0, step=0.1, key="lab.ps_noise", persist_state="page")
    control_default("lab.n_samples", 1024)
    n_samples = right.select_slider(
        _("Samples"), [256, 512, 1024, 2048, 4096], key="lab.n_samples", persist_state="page"
    )
    with friendly_errors():
        found = glue.period_of(period, noise, n_samples)
    st.plotly_chart(
        signal_figure(found["signal"], title=_("The noisy cosine")),
        key="lab.noisy",
        alt=_("A noisy cosine"),
    )
    st.plotly_chart(
        power_spectrum_figure(found["frequencies"], found["power"], period=found["period"]),
        key="lab.power",
        alt=_("FFT power spectrum with the strongest peak marked"),
    )
    st.metric(
        _("Period found"),
        _("{period:.2f} samples").format(period=found["period"]),
        delta=_("{difference:+.2f} vs the truth").format(difference=found["period"] - period),
        delta_color="off",
    )

elif view == "FIR low-pass":
    st.markdown(
        _(
            "A finite impulse response (FIR) filter is a convolution with a short list of numbers, "
            "the **taps**. A windowed sinc makes a **low-pass**: frequencies below the cut-off "
            "pass, those above are removed. More taps give a sharper edge. Listen to white noise "
            "(all frequencies) before and after."
        )
    )
    st.latex(r"y_t = \sum_{k=0}^{N-1} h_k\, x_{t-k}")
    left, right = st.columns(2)
    control_default("lab.cutoff", 1000)
    cutoff = left.slider(
        _("Cut-off (Hz)"), 100, 8000, step=50, key="lab.cutoff", persist_state="page"
    )
    control_default("lab.taps", 101)
    n_taps = right.slider(_("Taps"), 11, MAX_TAPS, step=10, key="lab.taps", persist_state="page")
    with friendly_errors():
        fir = glue.fir_of(float(cutoff), n_taps)
    shortfall = glue.fir_shortfall(fir["edge"], max_taps=MAX_TAPS)
    if shortfall:
        st.warning(shortfall, icon=":material/filter_alt_off:")
    st.plotly_chart(
        fir_response_figure(fir["frequencies"], fir["gain_db"], cutoff=cutoff),
        key="lab.response",
        alt=_("Frequency response of the FIR low-pass filter"),
    )
    st.plotly_chart(
        noise_spectra_figure(fir["spectrum_frequencies"], fir["before"], fir["after"]),
        key="lab.noise_spectra",
        alt=_("Power spectra of white noise before and after filtering"),
    )
    before, after = st.columns(2)
    before.caption(_("White noise"))
    with before:
        play(fir["noise"], fir["sr"], alt=_("White noise"))
    after.caption(glue.fir_label(fir["edge"]))
    filtered_wav = wav_of(fir["filtered"], fir["sr"])
    with after:
        play(fir["filtered"], fir["sr"], alt=_("The filtered noise"))
    left, right = st.columns(2)
    left.download_button(
        _("Download filtered noise (WAV)"),
        filtered_wav,
        file_name=f"lowpass_{cutoff}Hz.wav",
        mime="audio/wav",
        icon=":material/download:",
        key="lab.download_noise",
    )
    right.download_button(
        _("Download the taps (CSV)"),
        glue.taps_csv(fir["taps"]),
        file_name=f"lowpass_{cutoff}Hz_{n_taps}taps.csv",
        mime="text/csv",
        icon=":material/download:",
        key="lab.download_taps",
    )

else:
    st.markdown(
        _(
            "A **Gabor filter** is a sinusoid of frequency f under a Gaussian of "
            "width σ: it answers *how much of f is there around this moment*. A bank "
            "of them over a grid of (σ, f), with each response summarised by its "
            "mean, spread and maximum over time, turns any sound into "
            "{n} numbers: the `gabor` features a classifier can "
            "learn from."
        ).format(n=GABOR_FEATURE_LENGTH)
    )
    st.latex(r"g_{\sigma,f}(t) = e^{-t^2 / 2\sigma^2}\, e^{2\pi i f t}")
    left, right = st.columns(2)
    control_default("lab.gabor_sigma", 5.0)
    sigma_ms = left.slider(
        "σ (ms)", 0.5, 20.0, step=0.5, key="lab.gabor_sigma", persist_state="page"
    )
    control_default("lab.gabor_freq", 440)
    frequency = right.slider(
        "f (Hz)", 50, 5000, step=10, key="lab.gabor_freq", persist_state="page"
    )
    with friendly_errors():
        kernel = glue.gabor_kernel_of(sigma_ms, float(frequency))
        bank = glue.gabor_bank_of()
    st.plotly_chart(
        gabor_kernel_figure(kernel, sr=22050),
        key="lab.gabor_kernel",
        alt=_("Real and imaginary parts and envelope of a Gabor filter"),
    )
    st.plotly_chart(
        gabor_bank_figure(bank.kernels, bank.labels, sr=bank.sr),
        key="lab.gabor_bank",
        alt=_("Frequency responses of the Gabor filter bank"),
    )
    st.markdown(_("**Pooled features of a sound** (its first 5 seconds)"))
    examples = {
        N_("Example: drums and melody"): lambda: glue.example_clip(120.0),
        N_("Example: slower groove"): lambda: glue.example_clip(96.0),
    }
    with friendly_errors():
        clip = audio_picker("lab", examples=examples, datasets=session_datasets())
    if clip is None:
        st.stop()
    with friendly_errors():
        pooled = glue.gabor_features_of(glue.digest(clip), clip.sr, clip.audio)
    st.plotly_chart(
        gabor_features_figure(pooled["features"], pooled["names"]),
        key="lab.gabor_features",
        alt=_("The pooled Gabor feature vector"),
    )
    st.download_button(
        _("Download the feature vector (CSV)"),
        glue.features_csv(pooled["names"], pooled["features"]),
        file_name="gabor_features.csv",
        mime="text/csv",
        icon=":material/download:",
        key="lab.download_features",
    )
