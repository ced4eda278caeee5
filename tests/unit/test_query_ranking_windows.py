"""How a ranking read downwards (`/v1/entities`) sizes its next window from the counts it has read."""

from services.query.repository import entities


def test_ranking_windows_are_sized_from_the_counts_read() -> None:
    """The next window holds about the records still needed, at most 1.5 times those read so far; it halves
    the floor without two windows of records to fit."""
    assert entities._next_floor([(64, 4)], needed=10) == 32
    assert entities._next_floor([(64, 0), (32, 0)], needed=10) == 16
    # 4 records at 64 and above, 16 at 32: about 1 / n squared, so 4 more records lie down to 32 * sqrt(16 / 20).
    assert entities._next_floor([(64, 4), (32, 16)], needed=4 / entities.WINDOW_MARGIN) == 28
    # Needing many more: the window grows the records read by half at most.
    assert entities._next_floor([(64, 4), (32, 16)], needed=1_000) == int(32 * (1 / 1.5) ** 0.5)
