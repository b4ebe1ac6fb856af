"""Budgets from the machine: cache sizes from its memory, heavy work gated by its cores."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from musicml.resources import WorkGate, cache_entries, cores, machine_memory


def test_machine_memory_and_cores_are_positive():
    assert machine_memory() > 256 * 2**20
    assert cores() >= 1


def test_cache_entries_follow_the_memory_within_bounds():
    song = 50 * 2**20
    assert cache_entries(song, memory=24 * 2**30) == 15  # a quarter of 24 GB over 8 caches
    assert cache_entries(song, memory=1 * 2**30) == 2  # a small container keeps the minimum
    assert cache_entries(song, memory=2**40) == 64  # never more than the maximum
    with pytest.raises(ValueError, match="entry_bytes"):
        cache_entries(0)


def test_the_gate_runs_at_most_its_slots_at_once_and_lets_every_job_finish():
    gate = WorkGate(2)
    running, peak, done = [0], [0], []
    lock = threading.Lock()

    @gate
    def job(i: int) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        done.append(i)

    threads = [threading.Thread(target=job, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(done) == list(range(8))
    assert peak[0] == 2 and gate.busy == 0 and gate.waiting == 0


def test_nested_heavy_work_in_one_thread_takes_one_slot():
    gate = WorkGate(1)
    with gate, gate:  # would deadlock if the inner one waited for a second slot
        assert gate.busy == 1
    assert gate.busy == 0


def test_freeze_long_lived_hides_loaded_libraries_from_the_collector():
    import gc

    from musicml.resources import freeze_long_lived

    try:
        frozen = freeze_long_lived(("json", "musicml.figures.loss"))
        assert frozen == gc.get_freeze_count() > 10_000  # plotly and numpy at least
        import musicml.figures.loss  # noqa: F401 - imported by the call

        survivors = len(gc.get_objects())
        assert survivors < frozen, "frozen objects are no longer walked by the collector"
    finally:
        gc.unfreeze()


def test_memo_computes_once_per_object_and_forgets_it_with_the_object():
    import gc

    from musicml.models import TrainedModel
    from musicml.ui.cache import Memo

    memo, calls = Memo(), []
    model = TrainedModel.__new__(TrainedModel)
    for _ in range(3):
        assert memo.get(model, "file", lambda: calls.append(1) or b"bytes") == b"bytes"
    assert calls == [1]
    assert not hasattr(model, "_file_bytes") and "_derived" not in model.__dict__
    del model
    gc.collect()
    assert len(memo._values) == 0, "nothing kept past the object's life"


def test_a_heavy_job_past_its_time_is_stopped_in_plain_words_and_frees_its_slot():
    from musicml import features
    from musicml.errors import WorkLimitError
    from musicml.resources import WorkGate

    gate = WorkGate(1, seconds=0.0)
    song = np.zeros(22050 * 60, dtype=np.float32)
    with pytest.raises(WorkLimitError, match=r"longer than 0 s.*shorter recording"), gate:
        features.mel_spectrogram_db(song)
    assert gate.busy == 0, "the slot is free again"
    assert features.mel_spectrogram_db(song[:22050]).shape[0] == 128, "no ceiling outside a slot"


def test_a_heavy_job_over_the_memory_line_is_stopped():
    from musicml.datasets import build_dataset
    from musicml.errors import WorkLimitError
    from musicml.resources import WorkGate

    with pytest.raises(WorkLimitError, match="short of memory"), WorkGate(1, memory=2**20):
        build_dataset("notes", per_class=2, clip_seconds=0.25)


def test_release_memory_gives_freed_heap_pages_back_to_the_system():
    from musicml.resources import _malloc_trim, release_memory, resident_bytes

    if _malloc_trim() is None or resident_bytes() == 0:
        pytest.skip("needs glibc's malloc_trim and /proc")
    chunks = [bytearray(8192) for _ in range(50_000)]  # 400 MB in heap blocks
    held = resident_bytes()
    del chunks[::2]  # 200 MB freed in holes between live blocks: glibc keeps them
    release_memory()
    assert resident_bytes() < held - 60 * 2**20
    del chunks


def test_the_allocator_heaps_can_be_limited_on_glibc():
    from musicml.resources import _libc_function, limit_malloc_arenas

    if _libc_function("mallopt") is None:
        pytest.skip("needs glibc's mallopt")
    assert limit_malloc_arenas() is True
