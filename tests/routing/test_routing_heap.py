"""A loaded engine is frozen out of the cyclic collector's way; a rebuild lets the old go."""

from __future__ import annotations

import gc
import weakref

from routing_harness import Routing

from ringway.routing.router import settle_heap


class Canary:
    """A reference cycle: only the cyclic collector can free it, and never while frozen."""

    def __init__(self) -> None:
        self.me = self


async def test_a_large_loaded_engine_is_frozen_and_a_rebuild_lets_the_old_one_be_collected(
        routing: Routing) -> None:
    await routing.agent("Ada", queues=["support"])
    await routing.contact("support")
    assert not routing.router.frozen  # two records: too few to be worth a full pass
    routing.router.freeze_from = 2
    async with routing.router.lock:
        await routing.router.rebuild()
    assert routing.router.frozen
    assert gc.get_freeze_count() > 0
    canary = Canary()
    setattr(routing.router.engine, "canary", canary)  # noqa: B010 - not an engine attribute
    alive = weakref.ref(canary)
    del canary
    settle_heap()  # as after loading: the canary is frozen with the engine it hangs on
    gc.collect()
    assert alive() is not None
    async with routing.router.lock:
        await routing.router.rebuild()
    gc.collect()
    assert alive() is None
    assert gc.get_freeze_count() > 0
    # The rebuilt engine still holds the contact and the agent.
    assert (len(routing.router.engine.contacts), len(routing.router.engine.agents)) == (1, 1)
