"""Content identity: exact hash, SimHash and the shingle check that confirms a near-duplicate."""

from __future__ import annotations

import random

from trafilatura.deduplication import Simhash

from bot.pipeline.fingerprint import fingerprint, normalise_text, simhash, texts_match


def _article(seed: int, words: int = 400) -> str:
    rng = random.Random(seed)
    vocabulary = [f"{rng.choice('bcdfghjklmnpqrstvwz')}{rng.choice('aeiou')}{n}word" for n in range(3000)]
    sentences = []
    for _ in range(words // 12):
        sentences.append(" ".join(rng.choice(vocabulary) for _ in range(12)).capitalize() + ".")
    return " ".join(sentences)


def test_exact_hash_ignores_case_spacing_and_unicode_form() -> None:
    a = fingerprint("Café  opens\nits doors. ")
    b = fingerprint("CAFÉ opens its doors.")
    c = fingerprint("Cafe\u0301 opens its doors.")  # decomposed é
    assert a.content_hash == b.content_hash == c.content_hash
    assert fingerprint("Café closes its doors.").content_hash != a.content_hash


def test_simhash_is_close_for_a_lightly_edited_copy_and_far_for_another_text() -> None:
    original = _article(1)
    edited = original.replace(original.split()[7], "changed", 1) + " Photo: Agency."
    other = _article(2)
    near = (fingerprint(original).simhash ^ fingerprint(edited).simhash).bit_count()
    far = (fingerprint(original).simhash ^ fingerprint(other).simhash).bit_count()
    assert near <= 3
    assert far > 10
    assert fingerprint(original).word_count == len(original.split())


def test_texts_match_confirms_copies_and_rejects_reordered_words() -> None:
    original = _article(3)
    assert texts_match(original, original + " Reporting by a wire service.")
    words = original.split()
    shuffled = " ".join(sorted(words))
    # Same bag of words (SimHash identical), different text: the shingle check must say no.
    assert fingerprint(shuffled).simhash == fingerprint(original).simhash
    assert not texts_match(original, shuffled)
    assert not texts_match(original, _article(4))


def test_normalise_text_is_idempotent() -> None:
    text = "  Mixed CASE\ttext\n\nwith   spaces "
    assert normalise_text(normalise_text(text)) == normalise_text(text) == "mixed case text with spaces"


def test_simhash_has_exactly_trafilaturas_bits() -> None:
    """Stored fingerprints were made with trafilatura's Simhash: the faster one must give the same bits."""
    texts = [_article(seed, words) for seed, words in ((4, 400), (5, 30), (6, 3000))]
    texts += ["", "a", "short text", "Ünïcödé wörds, punctuation… and 数字 123", "日本語のテキストです。"]
    texts.append("x " * 70_000)
    for text in texts:
        normalised = normalise_text(text)
        assert simhash(normalised) == Simhash(normalised).hash
        assert fingerprint(text).simhash == Simhash(normalised).hash
