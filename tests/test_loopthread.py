"""The background-thread runner behind the blocking event stream and push receiver."""

from __future__ import annotations

import asyncio
import threading

import pytest

from axisctl.loopthread import LoopThread


class Service:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.loop_thread: threading.Thread | None = None
        self.stopped = False

    async def start(self) -> None:
        self.loop_thread = threading.current_thread()
        if self.fail:
            raise OSError("cannot listen on port 80")

    async def stop(self) -> None:
        self.stopped = True

    async def double(self, value: int) -> int:
        await asyncio.sleep(0)
        return value * 2


def test_the_service_runs_on_its_own_thread_until_stopped() -> None:
    service = Service()
    runner = LoopThread("test service", service.start, service.stop)
    runner.start()
    assert runner.running
    assert service.loop_thread is not threading.current_thread()
    assert runner.call(service.double(21)) == 42
    runner.stop()
    assert service.stopped
    assert not runner.running
    runner.stop()  # again: nothing to do


def test_a_failed_start_is_raised_to_the_caller_every_time() -> None:
    service = Service(fail=True)
    runner = LoopThread("failing service", service.start, service.stop)
    with pytest.raises(OSError, match="port 80"):
        runner.start()
    with pytest.raises(OSError, match="port 80"):
        runner.start()
    assert not runner.running
    assert not service.stopped  # never started, so never stopped


def test_calling_before_start_says_so() -> None:
    service = Service()
    runner = LoopThread("idle service", service.start, service.stop)
    with pytest.raises(RuntimeError, match="idle service is not running"):
        runner.call(service.double(1))
