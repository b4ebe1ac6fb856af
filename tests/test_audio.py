"""The one audio loader: decode, mono, resample, float32, refuse bad input."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf
from conftest import encode, tone

from musicml.audio import DEFAULT_SR, load_audio, resample, wav_bytes, write_wav
from musicml.errors import AudioDecodeError, ParameterError

PEAK_TOLERANCE_HZ = 2.0


def peak_frequency(audio: np.ndarray, sr: int) -> float:
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    return float(np.fft.rfftfreq(len(audio), 1 / sr)[spectrum.argmax()])


def test_wav_bytes_are_decoded_to_mono_float32_at_analysis_rate(tone_wav_bytes):
    clip = load_audio(tone_wav_bytes, name="t.wav")
    assert clip.sr == DEFAULT_SR
    assert clip.audio.dtype == np.float32
    assert clip.audio.ndim == 1
    assert clip.duration == pytest.approx(2.0, abs=1e-3)
    assert clip.name == "t.wav"
    assert abs(peak_frequency(clip.audio[:DEFAULT_SR], DEFAULT_SR) - 440) < PEAK_TOLERANCE_HZ
    assert np.abs(clip.audio[DEFAULT_SR + 100 :]).max() < 1e-3


def test_stereo_44k_is_mixed_to_mono_and_resampled(stereo_44k_wav_bytes):
    clip = load_audio(stereo_44k_wav_bytes)
    assert clip.sr == 22050
    assert len(clip.audio) == pytest.approx(22050, abs=2)
    spectrum = np.abs(np.fft.rfft(clip.audio))
    freqs = np.fft.rfftfreq(len(clip.audio), 1 / 22050)
    strongest = sorted(freqs[np.argsort(spectrum)[-2:]])
    assert strongest == pytest.approx([440, 880], abs=PEAK_TOLERANCE_HZ)


def test_sr_none_keeps_the_file_rate(stereo_44k_wav_bytes):
    assert load_audio(stereo_44k_wav_bytes, sr=None).sr == 44100


@pytest.mark.parametrize(("fmt", "subtype"), [("FLAC", None), ("OGG", "VORBIS"), ("MP3", None)])
def test_compressed_formats_decode(fmt, subtype):
    data = encode(tone(440.0, sr=22050), 22050, fmt=fmt, subtype=subtype)
    clip = load_audio(data)
    assert clip.duration == pytest.approx(1.0, abs=0.06)
    assert abs(peak_frequency(clip.audio, clip.sr) - 440) < PEAK_TOLERANCE_HZ


def test_path_and_file_like_sources(tmp_path, tone_wav_bytes):
    path = tmp_path / "song.wav"
    path.write_bytes(tone_wav_bytes)
    assert load_audio(path).name == "song.wav"
    assert load_audio(str(path)).duration == pytest.approx(2.0, abs=1e-3)
    assert load_audio(io.BytesIO(tone_wav_bytes)).duration == pytest.approx(2.0, abs=1e-3)


def test_not_audio_is_refused_in_plain_words(not_audio_bytes):
    with pytest.raises(AudioDecodeError, match="could not be read as audio"):
        load_audio(not_audio_bytes, name="notes.pdf")


def test_empty_and_missing_inputs_are_refused(tmp_path):
    with pytest.raises(AudioDecodeError, match="could not be read"):
        load_audio(b"")
    empty = encode(np.zeros((0,), dtype=np.float32), 22050)
    with pytest.raises(AudioDecodeError, match="empty"):
        load_audio(empty)
    with pytest.raises(AudioDecodeError, match="No audio file"):
        load_audio(tmp_path / "missing.wav")


def test_truncated_wav_is_refused_or_read_partially(tone_wav_bytes):
    try:
        clip = load_audio(tone_wav_bytes[:100])
    except AudioDecodeError:
        return
    assert clip.duration < 0.01


def test_duration_cap_refuses_long_audio(tone_wav_bytes):
    with pytest.raises(AudioDecodeError, match=r"longer than the limit of 1\.5 seconds"):
        load_audio(tone_wav_bytes, max_seconds=1.5)
    assert load_audio(tone_wav_bytes, max_seconds=None).duration == pytest.approx(2.0, abs=1e-3)


def test_non_finite_samples_become_silence():
    audio = tone(440.0)
    audio[:10] = np.nan
    buffer = io.BytesIO()
    sf.write(buffer, audio, 22050, format="WAV", subtype="FLOAT")
    clip = load_audio(buffer.getvalue())
    assert np.isfinite(clip.audio).all()
    assert np.all(clip.audio[:10] == 0)


def test_mostly_invalid_samples_are_refused_as_damaged():
    audio = tone(440.0)
    audio[::2] = np.nan
    buffer = io.BytesIO()
    sf.write(buffer, audio, 22050, format="WAV", subtype="FLOAT")
    with pytest.raises(AudioDecodeError, match="looks damaged: 50% of its samples"):
        load_audio(buffer.getvalue(), name="broken.wav")


def test_too_short_audio_is_refused_with_its_length():
    with pytest.raises(AudioDecodeError, match=r"tiny\.wav is only 10 ms long; musicml needs"):
        load_audio(encode(tone(440.0, seconds=0.01), 22050), name="tiny.wav")
    clip = load_audio(encode(tone(440.0, seconds=0.05), 22050), name="short.wav")
    assert clip.audio.shape == (1102,)
    assert len(load_audio(encode(tone(440.0, seconds=0.01), 22050), min_seconds=0).audio) == 220


def test_bad_parameters_name_themselves(tone_wav_bytes):
    with pytest.raises(ParameterError, match="sr must be a whole number from 1,000 to 192,000"):
        load_audio(tone_wav_bytes, sr=-5)
    with pytest.raises(ParameterError, match="source must be bytes"):
        load_audio(12345)


@pytest.mark.parametrize("sr", [500, 999, 192_001, True, 22050.0, "22050"])
def test_the_target_rate_follows_the_one_rule_of_every_sr(tone_wav_bytes, sr):
    with pytest.raises(ParameterError, match="sr must be a whole number from 1,000 to 192,000"):
        load_audio(tone_wav_bytes, sr=sr)


def test_a_file_keeps_its_own_rate_even_below_the_analysis_rates():
    # The rule bounds a rate asked for; a file is read at whatever rate it was saved at.
    clip = load_audio(encode(tone(100.0, sr=800), 800), sr=None)
    assert clip.sr == clip.source_sr == 800 and clip.audio.size == 800
    assert load_audio(encode(tone(440.0), DEFAULT_SR), sr=np.int64(1000)).sr == 1000


def test_wav_round_trip(tmp_path):
    audio = tone(1000.0, sr=16000)
    path = write_wav(tmp_path / "x.wav", audio, 16000)
    clip = load_audio(path, sr=None)
    assert clip.sr == 16000
    np.testing.assert_allclose(clip.audio, audio, atol=1 / 2**15)
    assert wav_bytes(audio, 16000)[:4] == b"RIFF"


def test_resample_batches_along_the_last_axis():
    batch = np.stack([tone(440.0, sr=44100), tone(880.0, sr=44100)])
    out = resample(batch, 44100, 22050)
    assert out.shape == (2, 22050)
    assert out.dtype == np.float32
    assert abs(peak_frequency(out[1], 22050) - 880) < PEAK_TOLERANCE_HZ


def _silent_flac(seconds: float, sr: int) -> bytes:
    """A FLAC of ``seconds`` of silence, written a minute at a time (tiny: silence packs well)."""
    buffer = io.BytesIO()
    with sf.SoundFile(buffer, "w", sr, 1, format="FLAC") as f:
        minute = np.zeros(60 * sr, dtype=np.int16)
        for _ in range(int(seconds // 60)):
            f.write(minute)
        f.write(minute[: round(seconds % 60 * sr)])
    return buffer.getvalue()


def _without_declared_length(flac: bytes) -> bytes:
    """The same FLAC with STREAMINFO's total-samples field zeroed ("length unknown")."""
    data = bytearray(flac)
    offset = 4 + 4 + 10  # "fLaC", block header, block/frame sizes: then sr|ch|bps|total
    fields = int.from_bytes(data[offset : offset + 8], "big") & ~((1 << 36) - 1)
    data[offset : offset + 8] = fields.to_bytes(8, "big")
    return bytes(data)


PEAK_BYTES_REFUSED = 5 * 2**20
"""A file refused by its header should cost next to no memory."""


def test_hours_of_silent_flac_are_refused_before_decoding():
    import tracemalloc

    data = _silent_flac(3 * 3600, 8000)
    assert len(data) < 2**20  # a tiny upload that would decode to 86 million samples
    tracemalloc.start()
    try:
        with pytest.raises(AudioDecodeError, match="longer than the limit of 600 seconds"):
            load_audio(data, name="3h.flac")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES_REFUSED


def test_a_stream_of_unknown_length_stops_at_the_duration_cap():
    import tracemalloc

    data = _without_declared_length(_silent_flac(60, 8000))
    assert sf.info(io.BytesIO(data)).frames > 2**62  # libsndfile: "unknown"
    tracemalloc.start()
    try:
        with pytest.raises(AudioDecodeError, match="longer than the limit of 5 seconds"):
            load_audio(data, sr=None, max_seconds=5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8000 * 60 * 4  # less than the whole minute as float32


def test_sample_rates_above_192_khz_are_refused_before_decoding():
    data = _silent_flac(1.0, 384000)
    with pytest.raises(AudioDecodeError, match=r"hi\.flac is sampled at 384,000 Hz; musicml"):
        load_audio(data, name="hi.flac")
    assert load_audio(_silent_flac(1.0, 192000)).sr == DEFAULT_SR


def test_block_by_block_resampling_matches_resampling_the_whole_file(
    monkeypatch, stereo_44k_wav_bytes
):
    import musicml.audio

    whole = load_audio(stereo_44k_wav_bytes, sr=None)
    expected = resample(whole.audio, whole.sr, DEFAULT_SR)
    monkeypatch.setattr(musicml.audio, "_BLOCK_SAMPLES", 8192)  # 11 blocks of 4096 frames
    clip = load_audio(stereo_44k_wav_bytes)
    assert clip.sr == DEFAULT_SR
    np.testing.assert_allclose(clip.audio, expected, atol=1e-6)


def test_audio_at_its_own_rate_is_held_once_in_memory(monkeypatch):
    import tracemalloc

    import musicml.audio

    monkeypatch.setattr(musicml.audio, "_BLOCK_SAMPLES", 8192)  # small blocks: the result dominates
    data = _silent_flac(60, 8000)
    output_bytes = 60 * 8000 * 4
    tracemalloc.start()
    try:
        clip = load_audio(data, sr=None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert clip.duration == pytest.approx(60.0)
    assert peak < 1.5 * output_bytes  # not twice: no list of blocks joined at the end


def test_a_file_shorter_than_its_header_says_gives_what_it_holds():
    mp3 = encode(tone(440.0, seconds=2.0), 22050, fmt="MP3")
    cut = mp3[: len(mp3) // 2]
    declared = sf.info(io.BytesIO(cut)).frames
    expected = sf.read(io.BytesIO(cut), dtype="float32")[0]
    assert len(expected) < declared  # the header still counts the whole song
    clip = load_audio(cut, sr=None)
    np.testing.assert_allclose(clip.audio, np.clip(expected, -1, 1), atol=1e-6)


def test_players_of_long_audio_are_compact_ogg_and_short_ones_wav():
    from musicml.audio import PLAYER_WAV_SECONDS, player_bytes

    short = tone(440.0, seconds=2.0)
    data, mime = player_bytes(short, 22050)
    assert mime == "audio/wav" and data[:4] == b"RIFF"
    # Three minutes in one piece: libsndfile 1.2.2 crashes the process if this is encoded in
    # one call, so it must be written block by block; it comes back whole and a tenth the size.
    long = np.tile(tone(440.0, seconds=1.0), 180)
    assert len(long) / 22050 > PLAYER_WAV_SECONDS
    data, mime = player_bytes(long, 22050)
    assert mime == "audio/ogg" and data[:4] == b"OggS"
    assert len(data) < len(wav_bytes(long, 22050)) / 5
    back = load_audio(data, sr=22050)
    assert back.duration == pytest.approx(180.0, abs=0.01)
    spectrum = np.abs(np.fft.rfft(back.audio[22050 * 90 : 22050 * 91]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=1)  # 1 Hz bins: still the same tone
