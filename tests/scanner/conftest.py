import pytest

from scanner.synth import make_board_photo


@pytest.fixture(scope="session")
def plain_photo():
    return make_board_photo(stages=(4,), n_tiles=8, px_per_module=2.8, size=(3600, 2700), seed=11)
