"""URL validation, canonical form and dedup keys."""

from __future__ import annotations

import pytest

from bot.errors import BadURL
from bot.pipeline.urls import canonical_url, same_site, url_key, validate_url


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "mailto:bob@example.com",
        "example.com/no-scheme",
        "https://user:secret@example.com/",
        "https://user@example.com/",
        "http://",
        "https://example.com:99999/",
        "https://example.com/\nHost: evil",
        "https://example.com/" + "a" * 3000,
    ],
)
def test_validate_url_refuses_what_we_will_not_fetch(raw: str) -> None:
    with pytest.raises(BadURL) as caught:
        validate_url(raw)
    assert caught.value.code == "bad_url"
    assert caught.value.message
    assert "\n" not in caught.value.message


def test_validate_url_accepts_and_strips_http_urls() -> None:
    assert validate_url("  https://example.com/a?b=1  ") == "https://example.com/a?b=1"
    assert validate_url("HTTP://Example.com") == "HTTP://Example.com"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.COM/story?utm_source=x&utm_medium=y&utm_campaign=z", "https://example.com/story"),
        ("https://example.com/story?fbclid=abc&gclid=def&mc_cid=1&ref=tw", "https://example.com/story"),
        ("https://example.com/story#comments", "https://example.com/story"),
        ("https://example.com:443/story/", "https://example.com/story"),
        ("http://example.com:80/story", "http://example.com/story"),
        ("http://example.com:8080/story", "http://example.com:8080/story"),
        ("https://example.com/?p=42&utm_source=x", "https://example.com/?p=42"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ],
)
def test_canonical_url_removes_noise_but_keeps_identity(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_url_key_folds_scheme_www_and_trailing_slash() -> None:
    variants = [
        "https://www.example.com/news/story",
        "http://example.com/news/story/",
        "https://EXAMPLE.com/news/story?utm_source=newsletter&utm_medium=email",
        "https://www.example.com/news/story/#top",
    ]
    assert {url_key(v) for v in variants} == {"example.com/news/story"}


def test_url_key_keeps_what_tells_articles_apart() -> None:
    assert url_key("https://example.com/?p=1") != url_key("https://example.com/?p=2")
    assert url_key("https://example.com/a") != url_key("https://example.com/b")
    assert url_key("http://127.0.0.1:8001/a") != url_key("http://127.0.0.1:8002/a")
    assert url_key("https://blog.example.com/a") != url_key("https://example.com/a")


def test_same_site_uses_the_registrable_domain() -> None:
    assert same_site("https://m.example.co.uk/a", "https://www.example.co.uk/b")
    assert not same_site("https://alice.github.io/a", "https://bob.github.io/a")
    assert not same_site("https://example.com/a", "https://example.org/a")
