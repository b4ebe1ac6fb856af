"""Synthesize: tones with every parameter on a slider, and labelled data sets built from them."""

import streamlit as st

from musicml.i18n import N_, ngettext
from musicml.i18n import gettext as _
from musicml.ui.layout import page_setup

page_setup(
    N_("Synthesize"),
    ":material/graphic_eq:",
    N_(
        "A pure tone is a sine wave **y(t) = A·sin(2πft + φ)**: *A* is how loud it is, *f* how "
        "high it sounds (cycles per second, Hz), *φ* where in its cycle it starts. The computer "
        "stores it as samples: *sr* numbers per second."
    ),
)

from musicml.ui.share import mirror, share_view  # after the title: it imports the core

share_view("synthesize")

# The title shows at once; the heavier imports below load while it is on screen.
import math

from musicml import synth
from musicml.audio import SAMPLE_RATES
from musicml.figures.signal import representation_figure, thumbnail_figure, waveform_figure
from musicml.ui.cache import play, wav_of
from musicml.ui.sound import (
    DATASET_KINDS,
    build_dataset,
    cached_representation,
    dataset_from_upload,
    dataset_name,
    envelope_name,
    errors_shown_here,
    example_dataset,
    synthesized,
    timbre_name,
    zip_download,
)
from musicml.ui.state import add_dataset, session_datasets


@st.fragment
def tone_lab() -> None:
    """A tone and its chords and melodies: moving a slider here redraws only this part."""
    # ---------------------------------------------------------------- 1. a tone
    st.header(_("A tone"), anchor=False)
    left, right = st.columns([1, 2])
    with left:
        frequency = st.slider(_("Frequency f (Hz)"), 20, 8000, 1000, step=10, key="synth.freq")
        amplitude = st.slider(_("Amplitude A"), 0.0, 1.0, 0.8, step=0.05, key="synth.amp")
        phase = st.slider(
            _("Phase φ (radians)"), 0.0, round(2 * math.pi, 2), 0.0, step=0.05, key="synth.phase"
        )
        duration = st.slider(_("Duration (s)"), 0.1, 5.0, 1.0, step=0.1, key="synth.duration")
        sr = st.selectbox(
            _("Sample rate sr (Hz)"), SAMPLE_RATES, index=SAMPLE_RATES.index(22050), key="synth.sr"
        )
        silence = st.toggle(
            _("Follow with 1 s of silence (as in the tutorial)"), value=True, key="synth.silence"
        )
        timbre = st.selectbox(
            _("Timbre"),
            list(synth.TIMBRES),
            index=0,
            format_func=timbre_name,
            key="synth.timbre",
            help=_(
                "'pure' is a single sine; the others add overtones (the bell's are inharmonic)."
            ),
        )
        envelope = st.selectbox(
            _("Envelope (attack, decay, sustain, release)"),
            list(synth.ENVELOPES),
            index=0,
            format_func=envelope_name,
            key="synth.envelope",
            help=_("'none' keeps the level constant, as in the tutorial."),
        )
        with st.expander(_("Vibrato, detuning, noise and room")):
            vibrato = st.slider(_("Vibrato depth (cents)"), 0, 100, 0, step=5, key="synth.vibrato")
            vibrato_rate = st.slider(
                _("Vibrato rate (Hz)"), 1.0, 10.0, 5.5, key="synth.vibrato_rate"
            )
            detune = st.slider(_("Detune (cents)"), -50, 50, 0, key="synth.detune")
            noisy = st.toggle(_("Add noise"), value=False, key="synth.noise")
            snr = st.slider(_("Signal-to-noise ratio (dB)"), -10, 60, 20, key="synth.snr")
            color = st.selectbox(
                _("Noise colour"),
                [N_("white"), N_("pink"), N_("brown")],
                format_func=_,
                key="synth.color",
            )
            room = st.slider(
                _("Reverberation time RT60 (s)"), 0.0, 3.0, 0.0, step=0.1, key="synth.rt60"
            )

    options = {
        "duration": duration,
        "sr": sr,
        "timbre": timbre,
        "amplitude": amplitude,
        "phase": phase,
        "envelope": envelope,
        "vibrato_rate": vibrato_rate,
        "vibrato_cents": float(vibrato),
        "detune_cents": float(detune),
        "snr_db": float(snr) if noisy else None,
        "noise_color": color,
        "reverb_seconds": room,
    }
    with right, errors_shown_here():
        tone = synthesized(float(frequency), **options)
        audio = synthesized(float(frequency), **options, silence_seconds=1.0) if silence else tone
        first_ms = tone[: max(2, round(sr / 1000))]
        st.plotly_chart(
            waveform_figure(first_ms, sr, title=_("The first millisecond"), time_unit="ms"),
            key="synth.first_ms",
            alt=_("Waveform of the first millisecond of the tone"),
        )
        st.caption(
            ngettext(
                "In one millisecond a {frequency} Hz tone goes through {cycles:g} cycle; "
                "at {sr} samples per second that is {samples:g} samples. The nearest note "
                "is **{note_name}** ({note_frequency:.2f} Hz).",
                "In one millisecond a {frequency} Hz tone goes through {cycles:g} cycles; "
                "at {sr} samples per second that is {samples:g} samples. The nearest note "
                "is **{note_name}** ({note_frequency:.2f} Hz).",
                1 if frequency == 1000 else 2,  # "1 cycle", "1.5 cycles", "0.44 cycles"
            ).format(
                frequency=frequency,
                cycles=frequency / 1000,
                sr=sr,
                samples=sr / 1000,
                note_name=synth.note_name(frequency),
                note_frequency=synth.note_frequency(synth.note_name(frequency)),
            )
        )
        st.plotly_chart(
            waveform_figure(audio, sr, title=_("The whole signal")),
            key="synth.whole",
            alt=_("Waveform of the whole signal"),
        )
        play(audio, sr, alt=_("The synthesized tone"))
        st.download_button(
            _("Download WAV"),
            wav_of(audio, sr),
            file_name=f"{timbre}_{frequency}Hz.wav",
            mime="audio/wav",
            icon=":material/download:",
            key="synth.download",
        )

    st.markdown(
        _(
            "A real instrument adds **overtones**: partials at (nearly) whole multiples of f, "
            "whose mix is the timbre. An **envelope** shapes the loudness over time: a fast attack "
            "and a falling decay sound plucked, a slow attack sounds bowed."
        )
    )
    st.latex(r"y(t) = \mathrm{env}(t)\sum_k a_k \sin\!\left(2\pi r_k f t + \varphi_k\right)")

    # ---------------------------------------------------------------- 2. chords and melodies
    with st.expander(_("Chords and random melodies"), icon=":material/queue_music:"):
        pitches = [synth.midi_to_note(m) for m in range(48, 85)]
        mode = st.segmented_control(
            _("Make"),
            [N_("Chord"), N_("Melody")],
            format_func=_,
            default="Chord",
            key="synth.music_mode",
        )
        with errors_shown_here():
            if mode == "Melody":
                note_set = st.multiselect(
                    _("Notes to draw from"),
                    pitches,
                    default=[f"{p}4" for p in synth.NATURAL_PITCH_CLASSES],
                    key="synth.melody_notes",
                )
                cols = st.columns(3)
                n_notes = cols[0].slider(_("Notes"), 2, 32, 8, key="synth.melody_n")
                note_seconds = cols[1].slider(
                    _("Note length (s)"), 0.1, 1.0, 0.4, key="synth.melody_len"
                )
                seed = cols[2].number_input(_("Seed"), 0, 10_000, 0, key="synth.melody_seed")
                music, names = synth.random_melody(
                    note_set,
                    n_notes=n_notes,
                    note_seconds=note_seconds,
                    sr=sr,
                    timbre=timbre,
                    seed=int(seed),
                )
                st.caption(_("Melody: {notes}").format(notes=" ".join(names)))
            else:
                chord_notes = st.multiselect(
                    _("Notes"), pitches, default=["C4", "E4", "G4"], key="synth.chord_notes"
                )
                music = synth.chord(chord_notes, duration=2.0, sr=sr, timbre=timbre)
            play(music, sr, alt=_("The chord or melody"))
    mirror("synthesize")  # the address follows this fragment's controls too


tone_lab()


@st.fragment
def dataset_lab() -> None:
    """Build, upload and preview data sets: reruns only this part."""
    # ---------------------------------------------------------------- 3. data-set builder
    st.header(_("Build a labelled data set"), anchor=False)
    st.markdown(
        _(
            "A model learns from many labelled examples. The **notes** set varies timbre, octave, "
            "envelope, loudness, tuning, vibrato, room and noise, so a model has to learn the "
            "pitch class itself rather than one waveform; the tutorial's **sound vs silence** set "
            "is the easy warm-up. The same seed always gives the same clips."
        )
    )
    kind = st.radio(
        _("Kind"),
        list(DATASET_KINDS),
        format_func=lambda kind: _(DATASET_KINDS[kind]),
        horizontal=True,
        key="synth.ds_kind",
    )
    cols = st.columns(4)
    per_class = cols[0].slider(_("Clips per class"), 2, 200, 30, key="synth.ds_per_class")
    seed = cols[1].number_input(_("Seed"), 0, 1_000_000, 0, key="synth.ds_seed")
    clip_seconds = cols[2].slider(
        _("Clip length (s)"), 0.25, 3.0, 1.0, step=0.25, key="synth.ds_len"
    )
    ds_sr = cols[3].selectbox(_("Sample rate"), (16000, 22050, 44100), index=1, key="synth.ds_sr")
    build_options = {
        "per_class": per_class,
        "seed": int(seed),
        "clip_seconds": clip_seconds,
        "sr": ds_sr,
    }
    if kind == "notes":
        cols = st.columns(4)
        chromatic = cols[0].toggle(
            _("All twelve pitch classes"), value=False, key="synth.ds_chromatic"
        )
        octaves = cols[1].slider(_("Octaves"), 1, 7, (2, 6), key="synth.ds_octaves")
        include_silence = cols[2].toggle(
            _("Add a silence class"), value=True, key="synth.ds_silence"
        )
        variation = cols[3].toggle(_("Realistic variation"), value=True, key="synth.ds_variation")
        timbres = st.multiselect(
            _("Timbres"),
            list(synth.TIMBRES),
            default=list(synth.TIMBRES),
            format_func=timbre_name,
            key="synth.ds_timbres",
        )
        build_options |= {
            "pitch_classes": "chromatic" if chromatic else "natural",
            "octaves": octaves,
            "include_silence": include_silence,
            "variation": variation,
            "timbres": timbres,
        }
    elif kind == "timbre":
        timbres = st.multiselect(
            _("Timbres"),
            list(synth.TIMBRES),
            default=["flute", "clarinet", "string", "organ", "bell", "piano"],
            format_func=timbre_name,
            key="synth.ds_timbres_t",
        )
        variation = st.toggle(_("Realistic variation"), value=True, key="synth.ds_variation_t")
        build_options |= {"timbres": timbres, "variation": variation}
    else:
        noisy_silence = st.toggle(
            _("Put quiet noise in the silences"), value=False, key="synth.ds_hiss"
        )
        build_options["silence_noise_db"] = -40.0 if noisy_silence else None

    if st.button(_("Build data set"), type="primary", icon=":material/build:", key="synth.build"):
        bar = st.progress(0.0, text=_("Synthesizing clips…"))
        with errors_shown_here():
            built = build_dataset(kind, build_options, lambda done: bar.progress(done))
            bar.progress(1.0, text=_("Made {n} clips.").format(n=len(built)))
            name = dataset_name(kind, built)
            add_dataset(name, built)
            st.session_state["synth.preview_name"] = name  # the preview shows the new set

    # ---------------------------------------------------------------- 4. preview, download, upload
    st.header(_("Preview, download, upload"), anchor=False)
    up_left, up_right = st.columns([3, 1])
    upload = up_left.file_uploader(
        _("Upload a labelled data set (zip: one folder per class, or files + labels.csv)"),
        type=["zip"],
        key="synth.upload",
    )
    # 0 stands for the whole file: a None option made the box look clearable (an "x" in
    # it after any rerun) though there is nothing to clear.
    keep = up_right.selectbox(
        _("Use of each file"),
        [0.0, 1.0, 5.0, 10.0, 30.0],
        format_func=lambda s: (
            _("the whole file") if not s else _("the first {seconds:g} s").format(seconds=s)
        ),
        key="synth.upload_seconds",
        help=_(
            "Long songs (GTZAN clips are 30 s) fill memory quickly; a few seconds each is "
            "often enough to learn from."
        ),
    )
    if upload is not None:
        with errors_shown_here():
            uploaded_name, loaded = dataset_from_upload(upload, seconds_per_file=keep or None)
            if uploaded_name not in session_datasets():
                add_dataset(uploaded_name, loaded)
                st.session_state["synth.preview_name"] = uploaded_name
            for note in loaded.notes[:10]:
                st.caption(f":material/info: {_(note)}")  # the core's note, as catalogued

    datasets = session_datasets()
    if datasets:
        names = list(datasets)
        if st.session_state.get("synth.preview_name") not in names:
            st.session_state["synth.preview_name"] = names[-1]  # the newest (a set was dropped)
        chosen = st.selectbox(_("Data set"), names, key="synth.preview_name")
        dataset = datasets[chosen]
    else:
        st.info(
            _(
                "Nothing built yet: here is a small example notes data set. Build your own above; "
                "the Train page can use every data set you make or upload here."
            ),
            icon=":material/info:",
        )
        chosen, dataset = N_("example notes"), example_dataset()

    counts = ", ".join(f"{label} {n}" for label, n in dataset.counts.items())
    st.caption(
        _("**{chosen}** · {n} clips at {sr} Hz, {seconds:.0f} s in all · {counts}").format(
            chosen=_(chosen),
            n=len(dataset),
            sr=dataset.sr,
            seconds=dataset.durations.sum(),
            counts=counts,
        )
    )
    shown = st.slider(_("Clips shown per class"), 1, 4, 2, key="synth.preview_n")
    for label, indices in dataset.examples(shown).items():
        row = st.columns(shown)
        for col, index in zip(row, indices, strict=False):
            clip = dataset.clips[index]
            rep = cached_representation(clip, dataset.sr, "mel", n_mels=64)
            col.plotly_chart(
                thumbnail_figure(rep, title=label),
                key=f"synth.thumb.{index}",
                alt=_("Mel spectrogram of a clip labelled {label}").format(label=label),
            )
            with col:
                play(clip, dataset.sr, alt=_("A clip labelled {label}").format(label=label))

    st.download_button(
        _("Download the data set (zip: WAV + labels.csv + settings.json)"),
        zip_download(dataset),
        file_name=f"{chosen.split(':')[0].strip().replace(' ', '_')}_dataset.zip",
        mime="application/zip",
        icon=":material/download:",
        key="synth.download_zip",
    )
    with st.expander(_("Look closer at one clip")):
        index = st.selectbox(
            _("Clip"),
            range(len(dataset)),
            format_func=lambda i: f"{dataset.names[i]} ({dataset.labels[i]})",
            key="synth.closer",
        )
        rep = cached_representation(dataset.clips[index], dataset.sr, "mel")
        st.plotly_chart(
            representation_figure(
                rep,
                zmin=-80,
                zmax=0,
                title=_("Labelled {label}").format(label=dataset.labels[index]),
            ),
            key="synth.closer_fig",
            alt=_("Mel spectrogram of the chosen clip"),
        )
    mirror("synthesize")  # the address follows this fragment's controls too


dataset_lab()
