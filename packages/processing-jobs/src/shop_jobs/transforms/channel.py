"""A session's acquisition channel from its first event: a Spark expression, the rule written once.

The rule, first match wins (tags compared case-insensitively; hosts without a leading "www."):

1. utm_medium is email, e-mail, e_mail or newsletter (or utm_source is one of them) -> email
2. utm_medium is affiliate or affiliates -> affiliate
3. utm_medium is a paid medium (cpc, ppc, paid, paidsearch, paid_search, sem, paid_social, paidsocial):
   paid_social when utm_source or the medium names a social network, else paid_search
4. utm_medium is display, banner, cpm or interstitial -> display
5. utm_medium is social, social-network, social-media, social_network, social_media or sm, or
   utm_source names a social network -> organic_social
6. any other utm_source or utm_medium -> campaign
7. no referrer, or a referrer on the page's own host -> direct
8. a referrer host of a search engine -> organic_search; of a social network -> organic_social
9. any other referrer -> referral

The values are the contract's (CHANNEL_* in shop_jobs.contract). This is a simplified form of the default
channel groupings of the large analytics tools: tags first, then the referrer.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

from shop_jobs.contract import (
    CHANNEL_AFFILIATE,
    CHANNEL_CAMPAIGN,
    CHANNEL_DIRECT,
    CHANNEL_DISPLAY,
    CHANNEL_EMAIL,
    CHANNEL_ORGANIC_SEARCH,
    CHANNEL_ORGANIC_SOCIAL,
    CHANNEL_PAID_SEARCH,
    CHANNEL_PAID_SOCIAL,
    CHANNEL_REFERRAL,
)

EMAIL_TAGS = ("email", "e-mail", "e_mail", "newsletter")
AFFILIATE_MEDIA = ("affiliate", "affiliates")
PAID_MEDIA = ("cpc", "ppc", "paid", "paidsearch", "paid_search", "sem", "paid_social", "paidsocial")
PAID_SOCIAL_MEDIA = ("paid_social", "paidsocial")
DISPLAY_MEDIA = ("display", "banner", "cpm", "interstitial")
SOCIAL_MEDIA = ("social", "social-network", "social-media", "social_network", "social_media", "sm")
# Host patterns (regular expressions on the referrer's host, "www." removed).
SEARCH_ENGINE_HOSTS = r"(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|qwant|startpage|naver|seznam)\.[a-z.]+$"
SOCIAL_HOSTS = (
    r"(^|\.)(facebook|fb|instagram|linkedin|lnkd|pinterest|reddit|tiktok|youtube|twitter|threads|snapchat|tumblr|"
    r"vk|weibo|whatsapp|telegram|quora|discord)\.[a-z.]+$|^(t\.co|x\.com|m\.me|bsky\.app)$"
)
# utm_source values that name a social network (e.g. utm_source=facebook).
SOCIAL_SOURCES = r"^(facebook|fb|instagram|ig|linkedin|pinterest|reddit|tiktok|youtube|twitter|x|threads|snapchat)$"


def _host(url: Column) -> Column:
    """The host of an absolute URL, lower-case, without "www." (null when there is none)."""
    host = F.lower(F.regexp_extract(url, r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/:?#]+)", 1))
    host = F.regexp_replace(host, r"^www\.", "")
    return F.when(host != "", host)


def channel(utm_source: Column, utm_medium: Column, referrer: Column, page_url: Column) -> Column:
    """The channel (see the module doc) of an event's UTM tags, referrer and page URL."""
    source = F.lower(F.trim(utm_source))
    medium = F.lower(F.trim(utm_medium))
    ref_host = _host(referrer)
    source_is_social = F.coalesce(source.rlike(SOCIAL_SOURCES), F.lit(False))
    tagged = F.coalesce(source, F.lit("")) != F.lit("")
    tagged = tagged | (F.coalesce(medium, F.lit("")) != F.lit(""))
    return (
        F.when(medium.isin(*EMAIL_TAGS) | source.isin(*EMAIL_TAGS), F.lit(CHANNEL_EMAIL))
        .when(medium.isin(*AFFILIATE_MEDIA), F.lit(CHANNEL_AFFILIATE))
        .when(
            medium.isin(*PAID_MEDIA),
            F.when(medium.isin(*PAID_SOCIAL_MEDIA) | source_is_social, F.lit(CHANNEL_PAID_SOCIAL)).otherwise(
                F.lit(CHANNEL_PAID_SEARCH)
            ),
        )
        .when(medium.isin(*DISPLAY_MEDIA), F.lit(CHANNEL_DISPLAY))
        .when(medium.isin(*SOCIAL_MEDIA) | source_is_social, F.lit(CHANNEL_ORGANIC_SOCIAL))
        .when(tagged, F.lit(CHANNEL_CAMPAIGN))
        .when(ref_host.isNull() | (ref_host == F.coalesce(_host(page_url), F.lit(""))), F.lit(CHANNEL_DIRECT))
        .when(ref_host.rlike(SEARCH_ENGINE_HOSTS), F.lit(CHANNEL_ORGANIC_SEARCH))
        .when(ref_host.rlike(SOCIAL_HOSTS), F.lit(CHANNEL_ORGANIC_SOCIAL))
        .otherwise(F.lit(CHANNEL_REFERRAL))
    )
