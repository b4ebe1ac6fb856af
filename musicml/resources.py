"""What this machine (or container) can afford: memory, cores, and cache sizes from them.

A hosted server is shared by a whole class: caches of songs must fit the memory the
server really has (a container's cgroup limit, not the host's RAM), and heavy work must
not start on more songs at once than there are cores to run it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import importlib
import os
import threading
import time
from pathlib import Path

from musicml.errors import WorkLimitError

CGROUP_FILES = (
    Path("/sys/fs/cgroup/memory.max"),  # cgroup v2
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),  # cgroup v1
)

FALLBACK_MEMORY = 4 * 2**30
"""Assumed memory when neither the cgroup nor the system tells (4 GiB)."""

CACHE_SHARE = 0.25
"""Share of the machine's memory that song-sized caches may hold together."""


def freeze_long_lived(modules: tuple[str, ...] = ()) -> int:
    """Import ``modules``, collect garbage once, then hide every surviving object from the
    cyclic garbage collector (:func:`gc.freeze`); returns how many objects were frozen.

    A server that has imported librosa, scikit-learn and plotly holds some 300,000
    long-lived objects, and every full collection walks all of them: about 0.14 s on
    this machine, paid after every page run (Streamlit collects after each run) and
    whenever Python decides on its own to collect the oldest generation. Frozen, those
    objects are skipped, so a collection only walks what visitors' runs made since and
    costs well under a millisecond. Reference counting still frees frozen objects
    whose count drops to zero; only cycles among them (modules, classes) stay, which
    live as long as the process anyway.
    """
    for name in modules:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def machine_memory() -> int:
    """Bytes of memory this process may use: the cgroup limit if any, else physical RAM."""
    physical = FALLBACK_MEMORY
    with contextlib.suppress(ValueError, OSError, AttributeError):
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in CGROUP_FILES:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < physical:
            return int(text)
    return int(physical)


def cores() -> int:
    """CPU cores this process may run on (its affinity, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def cache_entries(
    entry_bytes: int,
    *,
    caches: int = 8,
    low: int = 2,
    high: int = 64,
    memory: int | None = None,
) -> int:
    """How many entries of ``entry_bytes`` one of ``caches`` song-sized caches may keep.

    Together the caches hold at most :data:`CACHE_SHARE` of :func:`machine_memory`,
    and each keeps between ``low`` and ``high`` entries.

    Examples
    --------
    >>> cache_entries(50 * 2**20, memory=24 * 2**30)  # 50 MB songs on a 24 GB machine
    15
    >>> cache_entries(50 * 2**20, memory=1 * 2**30)  # a 1 GB container
    2
    """
    if entry_bytes < 1 or caches < 1 or not 1 <= low <= high:
        raise ValueError(
            f"need entry_bytes >= 1, caches >= 1 and 1 <= low <= high; got {entry_bytes}, "
            f"{caches}, {low}, {high}."
        )
    memory = machine_memory() if memory is None else int(memory)
    share = memory * CACHE_SHARE / caches
    return int(min(high, max(low, share // entry_bytes)))


WORK_SECONDS = 120.0
"""Ceiling on the seconds one heavy job may run once it holds its slot (a hosted
server's visitor waits no longer than this for one answer, and nobody's turn is held
for longer)."""

MEMORY_SHARE = 0.85
"""Share of this machine's memory the process may reach before the job that finds it
over the line is stopped (the others, and the server, keep running)."""


def resident_bytes() -> int:
    """This process's resident memory now (0 where the system does not tell)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def release_memory() -> int:
    """Collect garbage, then hand the freed heap pages back to the system; returns the
    bytes of resident memory given back.

    glibc keeps freed memory in its heaps for reuse, so a server whose visitors have left
    would otherwise stay at its peak size; ``malloc_trim`` returns those pages (on other
    C libraries only the collection is done).
    """
    before = resident_bytes()
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    return max(0, before - resident_bytes())


M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter for the most heaps (arenas) its allocator keeps."""


def limit_malloc_arenas(arenas: int | None = None) -> bool:
    """Let glibc's allocator keep at most ``arenas`` heaps (default: one per core, at
    least two), as ``MALLOC_ARENA_MAX`` would; False where the C library has no
    ``mallopt``.

    glibc gives threads that allocate at the same moment heaps of their own, up to
    eight per core, and keeps each for good with the memory freed in it: a server whose
    forty visitors' runs overlapped stays hundreds of megabytes above its size before
    the class, however much is freed (measured by ``benchmarks/load_test.py``: back
    within a few per cent of the warm size with the limit, a quarter to a half above it
    without). With the GIL, threads hardly ever allocate at the same instant, so fewer
    heaps cost no speed.
    """
    limit = max(2, cores()) if arenas is None else int(arenas)
    mallopt = _libc_function("mallopt")
    return bool(mallopt is not None and mallopt(M_ARENA_MAX, limit))


def _malloc_trim():
    return _libc_function("malloc_trim")


@functools.cache
def _libc_function(name: str):
    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name, None) if library else None
    except OSError:
        return None


_job = threading.local()


def checkpoint() -> None:
    """Stop the current heavy job if it has run past its ceiling on time or memory.

    Long loops of the core (spectrogram blocks, feature chunks, clips of a data set)
    call this between steps; it costs microseconds. Outside a :class:`WorkGate` slot
    (the command line, tests) there is no ceiling and it returns at once.

    Raises
    ------
    WorkLimitError
        In plain words, with what to try instead.
    """
    deadline = getattr(_job, "deadline", None)
    if deadline is None:
        return
    if time.monotonic() > deadline:
        raise WorkLimitError(
            "This took longer than {seconds:.0f} s, the most one request may take on this "
            "server, so it was stopped. Try a shorter recording, a smaller data set or "
            "simpler settings.",
            seconds=_job.seconds,
        )
    limit = getattr(_job, "memory_limit", 0)
    used = resident_bytes() if limit else 0
    if used > limit:
        raise WorkLimitError(
            "The server is short of memory right now ({used_mb:,.0f} MB in use), so this "
            "request was stopped before it could take more. Try again in a minute, or with "
            "a shorter recording.",
            used_mb=used / 2**20,
        )


class WorkGate:
    """At most ``slots`` heavy jobs at once in this process; the others wait their turn.

    Forty visitors uploading songs at the same moment then decode and analyse two at a
    time on two cores, instead of forty at once: each finishes sooner than in a forty-way
    scramble, peak memory holds two songs' work, and the server keeps answering. A thread
    that already holds a slot (nested heavy work) never waits for a second one.

    Once a job holds its slot it has :data:`WORK_SECONDS` to finish and may not take
    the process past :data:`MEMORY_SHARE` of the machine's memory: the core's long
    loops call :func:`checkpoint`, which stops a job over either line with a plain
    :class:`~musicml.errors.WorkLimitError` (the page shows it; the slot is freed).
    """

    def __init__(
        self,
        slots: int,
        *,
        seconds: float = WORK_SECONDS,
        memory: int | None = None,
    ):
        if slots < 1:
            raise ValueError(f"slots must be at least 1; got {slots!r}.")
        self.slots = slots
        self.seconds = seconds
        self.memory_limit = int(MEMORY_SHARE * (machine_memory() if memory is None else memory))
        self._semaphore = threading.BoundedSemaphore(slots)
        self._local = threading.local()
        self._lock = threading.Lock()
        self.busy = 0
        self.waiting = 0

    def __enter__(self) -> WorkGate:
        depth = getattr(self._local, "depth", 0)
        if depth == 0:
            with self._lock:
                self.waiting += 1
            try:
                self._semaphore.acquire()
            finally:
                with self._lock:
                    self.waiting -= 1
            with self._lock:
                self.busy += 1
            _job.seconds = self.seconds
            _job.deadline = time.monotonic() + self.seconds
            _job.memory_limit = self.memory_limit
        self._local.depth = depth + 1
        return self

    def __exit__(self, *exc) -> None:
        self._local.depth -= 1
        if self._local.depth == 0:
            _job.deadline = None
            with self._lock:
                self.busy -= 1
            self._semaphore.release()

    def __call__(self, function):
        """Use the gate as a decorator: ``function`` runs while holding a slot."""

        @functools.wraps(function)
        def gated(*args, **kwargs):
            with self:
                return function(*args, **kwargs)

        return gated


HEAVY_WORK = WorkGate(cores())
"""The process's gate for decoding, features, training, analysis and model loading."""
