"""Play and pause: a session trains in its own background thread, in short slices under the session's lock.

While playing, the thread takes the lock for :data:`SLICE_SECONDS` of steps at a time (or one step at a set speed,
then sleeps ``1 / speed``), so requests are never kept waiting long; a diverging step stops playing (the session
keeps its last finite weights and says why); nobody looking for :data:`IDLE_PAUSE_SECONDS` pauses it.
"""

from __future__ import annotations

import threading
import time

from .schema import RequestError

SLICE_SECONDS = 0.02      # training time per lock hold while playing
IDLE_PAUSE_SECONDS = 300  # playing stops when no client has been seen for this long


class Playing:
    """The play/pause half of :class:`.session.Session` (which provides ``lock``, ``config``, ``_step``, ``_touch``,
    ``last_seen``, ``playing``, ``thread``, ``error`` and ``notice``)."""

    def play(self):
        with self.lock:
            if self.playing:
                return
            self.playing, self.error, self.notice = True, None, None
            self.thread = threading.Thread(target=self._play_loop, name="deltaprop-playground-train", daemon=True)
            self.thread.start()
            self._touch()

    def pause(self):
        with self.lock:
            if self.playing:
                self.playing = False
                self._touch()

    def _play_loop(self):
        while True:
            with self.lock:
                if not self.playing or self.thread is not threading.current_thread():
                    return
                if time.monotonic() - self.last_seen > IDLE_PAUSE_SECONDS:
                    self.playing = False
                    self._touch()
                    return
                speed = self.config.get("speed", 0)
                deadline = time.perf_counter() + SLICE_SECONDS
                try:
                    while True:
                        self._step()
                        if speed or time.perf_counter() >= deadline:
                            break               # a set speed: one step, then the pause below
                except RequestError:
                    pass                        # diverged: _step stopped playing and set self.error
                self._touch()
            time.sleep(1.0 / speed if speed else 0.005)     # a watchable pace, or just let request threads in
