"""A tile's text is mostly known before it is read (the deployment's base URL, ``/t/``,
a token of fixed length, the standard's padding): those codewords are put in place so
that Reed-Solomon's check symbols go to the token and to what glare hid. A code whose
known part differs is refused, never "corrected" into one of ours."""

import numpy as np
import pytest
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import QRData, create_data

import scanner.grid_sampler as grid_sampler
import scanner.passes as passes
import scanner.qr_codewords as qr_codewords
import scanner.scan as scan_module
from scanner import scan_photos
from scanner.known_text import tile_codewords
from scanner.qr_codewords import SPARE_CHECK_SYMBOLS, decode_modules, structure
from scanner.synth import DEMO_BASE_URL, TileSpec, finder_centre_mm, make_board_photo
from tests.helpers.scan_checks import check_tiles
from tilegen.payload import TOKEN_ALPHABET, tile_url
from tilegen.qr import qr_symbol, segment
from tilegen.standard import BoardGeometry

PREFIX = DEMO_BASE_URL + "/t/"
DATA, CHECK = 44, 26  # version 3 at level M: one block


def tokens(count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(list(TOKEN_ALPHABET), 10)) for _ in range(count)]


def stream(text: str) -> list[int]:
    """The codewords tilegen's symbol holds, in stream order (data, then check)."""
    chunks = [QRData(c, mode=m) for m, c in segment(text)]
    return list(create_data(qr_symbol(text).version, ERROR_CORRECT_M, chunks))


def known_for(prefix: str = PREFIX) -> dict[int, int]:
    return tile_codewords([], prefix.removesuffix("/t/"))(29)[0]


def erase_words(n: int, words) -> np.ndarray:
    """The modules of codewords ``words`` (stream positions), erased."""
    order = np.array(structure((n - 17) // 4).data)
    erased = np.zeros((n, n), bool)
    for w in words:
        rows, cols = order[8 * w : 8 * w + 8].T
        erased[rows, cols] = True
    return erased


def test_only_the_tokens_codewords_are_unknown():
    known = known_for()
    assert set(known) <= set(range(DATA))  # data codewords only, never check symbols
    assert DATA - len(known) <= 8  # ten alphanumeric characters: 55 bits
    for token in tokens(12, seed=1):
        words = stream(tile_url(DEMO_BASE_URL, token))
        assert all(words[i] == v for i, v in known.items()), token


def test_more_erasures_than_check_symbols_decode_with_the_known_text():
    url = tile_url(DEMO_BASE_URL, tokens(1, seed=2)[0])
    m = np.array(qr_symbol(url).rows, bool)
    known = known_for()
    # every known data codeword and ten check codewords lost: 10 + 36 > 26 erasures
    lost = [*known, *range(DATA, DATA + 10)]
    erased = erase_words(len(m), lost)
    dark = np.where(erased, False, m)
    assert len(lost) > CHECK
    assert decode_modules(dark, erased) is None
    got = decode_modules(dark, erased, known=known)
    assert got is not None and got.text == url and got.known == len(known)
    assert got.erasures == 10


def test_least_sure_codewords_are_erased_when_a_block_does_not_correct():
    """Erasures up to the margin and two codewords read wrong, faintly: as errors they
    cost four check symbols and the block does not correct; erased, as the faintest
    codewords, two. A codeword read wrong but surely is not erased, and stays an error."""
    url = tile_url(DEMO_BASE_URL, tokens(1, seed=6)[0])
    m = np.array(qr_symbol(url).rows, bool)
    spare = CHECK - SPARE_CHECK_SYMBOLS
    erased = erase_words(len(m), range(DATA, DATA + spare - 2))
    order = np.array(structure(3).data)
    dark, sureness = np.where(erased, False, m), np.ones(m.shape)
    for w in (3, 20):
        rows, cols = order[8 * w : 8 * w + 8].T
        dark[rows[:3], cols[:3]] = ~dark[rows[:3], cols[:3]]
        sureness[rows[:3], cols[:3]] = 0.05
    assert decode_modules(dark, erased) is None
    got = decode_modules(dark, erased, sureness=sureness)
    assert got is not None and got.text == url and got.errors == 0
    assert decode_modules(dark, erased, sureness=np.ones(m.shape)) is None


def test_the_token_and_too_many_check_symbols_lost_yields_nothing():
    """With the known part in place, what is left is still held to the margin."""
    url = tile_url(DEMO_BASE_URL, tokens(1, seed=3)[0])
    m = np.array(qr_symbol(url).rows, bool)
    known = known_for()
    unknown = [i for i in range(DATA) if i not in known]
    spare = CHECK - SPARE_CHECK_SYMBOLS
    lost = unknown + list(range(DATA, DATA + spare - len(unknown) + 1))
    erased = erase_words(len(m), lost)
    assert decode_modules(np.where(erased, False, m), erased, known=known) is None


def test_erased_codewords_whose_visible_modules_disagree_are_refused():
    """Half of each erased codeword's modules clipped, the other half read inverted: the
    erasures alone decode, but what glare left contradicts it."""
    url = tile_url(DEMO_BASE_URL, tokens(1, seed=5)[0])
    m = np.array(qr_symbol(url).rows, bool)
    known = known_for()
    order = np.array(structure(3).data)
    lost = list(range(DATA, DATA + 12))
    dark, erased = m.copy(), np.zeros_like(m)
    for w in lost:
        rows, cols = order[8 * w : 8 * w + 8].T
        erased[rows[:4], cols[:4]] = True
        dark[rows[4:], cols[4:]] = ~dark[rows[4:], cols[4:]]
    assert decode_modules(np.where(erased, False, m), erased, known=known).text == url
    assert decode_modules(dark, erased, known=known) is None


@pytest.mark.parametrize("other", ["http://127.0.0.9:5000", "http://10.0.0.1:8080"])
def test_a_code_of_another_deployment_is_not_read_as_ours(other):
    """Its known part disagrees with ours: refused, though its own text decodes."""
    url = tile_url(other, tokens(1, seed=4)[0])
    m = np.array(qr_symbol(url).rows, bool)
    assert len(m) == 29
    none = np.zeros_like(m)
    assert decode_modules(m, none).text == url
    assert decode_modules(m, none, known=known_for()) is None
    erased = erase_words(len(m), range(DATA, DATA + 12))
    assert decode_modules(np.where(erased, False, m), erased, known=known_for()) is None


# A photo: a large glint over a third of one tile's code.
BOARD = {3: BoardGeometry(3, 520.0, 390.0)}
CORNER = TileSpec("Q3WZ8NDKT4", "JoW", 3, 208.0, 136.0, 3.0)
OTHERS = [
    TileSpec("AMBER23456", "BaK", 3, 130.0, 341.0, -2.0),
    TileSpec("RED2345678", "OlR", 3, 364.0, 341.0, 5.0),
]


@pytest.fixture(autouse=True)
def unhurried(monkeypatch):
    """The photo's time limit is a wall clock; not what is tested here."""
    monkeypatch.setattr(scan_module, "HINT_DEADLINE_S", 30.0)


@pytest.fixture(scope="module")
def glared():
    x, y = finder_centre_mm(CORNER, DEMO_BASE_URL, 2)
    return make_board_photo(
        [CORNER, *OTHERS],
        stages=(3,),
        geometries=BOARD,
        px_per_module=2.8,
        size=(1600, 1200),
        glare=False,
        glints=[(3, x + 3.0, y - 3.0, 23.0)],
        seed=11,
    )


@pytest.mark.parametrize("base_url", [DEMO_BASE_URL, None])
def test_a_tile_a_third_under_glare_is_read_with_its_known_text(glared, base_url):
    """From the deployment's base URL, or else from the tiles read in the same photo."""
    result = scan_photos([glared.image], geometries=BOARD, base_url=base_url)
    data = result.to_json()
    got = {t["token"]: t for t in data["tiles"]}
    assert set(got) == {t.token for t in [CORNER, *OTHERS]}
    assert (got[CORNER.token]["stage"], got[CORNER.token]["zone"]) == (3, "main")
    method = {s.token: s.method for s in result.photos[0].sightings}[CORNER.token]
    assert method.startswith("known-grid/rs") and "known" in method.split("(")[1]


@pytest.mark.parametrize("with_known", [True, False])
def test_without_the_known_text_that_tile_stays_unread(glared, monkeypatch, with_known):
    """The same photo, the known codewords withheld (and no least-sure codewords erased
    either): too much of the code is lost."""
    monkeypatch.setattr(qr_codewords, "GMD_STEP", 10**6)
    if not with_known:
        monkeypatch.setattr(passes, "tile_codewords", lambda tiles, base_url: lambda n: ())
    data = scan_photos([glared.image], geometries=BOARD, base_url=DEMO_BASE_URL).to_json()
    tokens = {t["token"] for t in data["tiles"]}
    assert tokens == {t.token for t in OTHERS} | ({CORNER.token} if with_known else set())


@pytest.fixture(scope="module")
def shaken():
    """A 2.5 px hand-shake streak and a 26 mm glint over the bottom-left finder."""
    x, y = finder_centre_mm(CORNER, DEMO_BASE_URL, 2)
    return make_board_photo(
        [CORNER, *OTHERS],
        stages=(3,),
        geometries=BOARD,
        px_per_module=2.8,
        size=(1600, 1200),
        glare=False,
        glints=[(3, x + 3.0, y - 3.0, 26.0)],
        seed=11,
        motion_px=2.5,
        motion_deg=70,
    )


@pytest.mark.parametrize("guards", [grid_sampler.DECONV_GUARDS, grid_sampler.DECONV_GUARDS[:1]])
def test_a_shaken_tile_is_read_after_deconvolution_with_only_its_clipped_modules_erased(
    shaken, guards, monkeypatch
):
    """Erasing a module's width round the clipped pixels (the filter rings there) erases
    too much of this code; erasing only what is clipped reads it. Without that second
    try, it stays unread."""
    monkeypatch.setattr(grid_sampler, "DECONV_GUARDS", guards)
    result = scan_photos([shaken.image], geometries=BOARD, base_url=DEMO_BASE_URL)
    data = result.to_json()
    check_tiles(data, shaken, min_recall=2 / 3)
    tokens = {t["token"] for t in data["tiles"]}
    assert (CORNER.token in tokens) == (len(guards) == 2)
