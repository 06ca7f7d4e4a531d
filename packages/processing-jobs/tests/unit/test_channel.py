"""The channel rule (shop_jobs.transforms.channel), case by case: tags first, then the referrer."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from shop_jobs.transforms.channel import channel

SHOP = "https://shop.example/p/1"

CASES = [
    # (utm_source, utm_medium, referrer, page_url, expected)
    (None, None, None, SHOP, "direct"),
    (None, None, "", SHOP, "direct"),
    (None, None, "https://shop.example/cart", SHOP, "direct"),  # internal navigation
    (None, None, "https://www.google.com/search?q=x", SHOP, "organic_search"),
    (None, None, "https://duckduckgo.com/", SHOP, "organic_search"),
    (None, None, "https://www.bing.co.uk/", SHOP, "organic_search"),
    (None, None, "https://t.co/abc", SHOP, "organic_social"),
    (None, None, "https://m.facebook.com/story", SHOP, "organic_social"),
    (None, None, "https://blog.example.org/post", SHOP, "referral"),
    (None, None, "not a url", SHOP, "direct"),
    ("news", "email", None, SHOP, "email"),
    ("Newsletter", None, None, SHOP, "email"),
    ("partner", "Affiliate", "https://partner.example/", SHOP, "affiliate"),
    ("google", "cpc", "https://www.google.com/", SHOP, "paid_search"),
    ("facebook", "cpc", None, SHOP, "paid_social"),
    ("meta", "paid_social", None, SHOP, "paid_social"),
    ("gdn", "display", None, SHOP, "display"),
    ("instagram", None, None, SHOP, "organic_social"),
    ("anything", "social", None, SHOP, "organic_social"),
    ("podcast", None, "https://www.google.com/", SHOP, "campaign"),  # tags win over the referrer
    (None, "qr", None, SHOP, "campaign"),
    ("", "", "https://www.google.com/", SHOP, "organic_search"),  # empty tags are no tags
]


@pytest.mark.parametrize(("source", "medium", "referrer", "page_url", "expected"), CASES)
def test_channel(spark, source, medium, referrer, page_url, expected):
    frame = spark.createDataFrame(
        [(source, medium, referrer, page_url)], "source string, medium string, referrer string, page_url string"
    )
    got = frame.select(channel(F.col("source"), F.col("medium"), F.col("referrer"), F.col("page_url"))).first()[0]
    assert got == expected
