"""Collection settings: one typed place (FRAMEWATCH_FETCH_* environment variables)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class FetchSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRAMEWATCH_FETCH_", extra="ignore")

    user_agent: str = Field(
        "framewatch/0.1 (+https://github.com/framewatch/framewatch; media-framing research monitor)",
        description="Sent with every request so site owners can tell who we are.",
    )
    robots_agent: str = Field(
        "framewatch", description="The product token robots.txt rules are matched against."
    )
    connect_timeout_s: float = Field(10.0, description="Seconds to establish a connection.")
    total_timeout_s: float = Field(30.0, description="Hard limit for a whole request, body included.")
    max_bytes: int = Field(5_000_000, description="Bodies larger than this are refused (size cap).")
    max_retries: int = Field(3, description="Retries on HTTP 408/429/5xx only.")
    backoff_s: float = Field(1.0, description="First retry delay; doubles each time.")
    max_retry_after_s: float = Field(60.0, description="Longest Retry-After we honour before giving up.")
    per_host_concurrency: int = Field(4, description="Requests in flight to one host at most.")
    per_host_delay_s: float = Field(2.0, description="Seconds between request starts to one host.")
    max_crawl_delay_s: float = Field(
        30.0, description="A robots.txt Crawl-delay above the per-host delay is honoured up to this."
    )
    total_concurrency: int = Field(32, description="Requests in flight overall.")
    host_failures_before_backoff: int = Field(
        5, description="Timeouts/connection failures in a row after which a host is left alone for the run."
    )
    max_redirects: int = Field(5, description="Redirects followed before a page counts as a loop.")
    respect_robots: bool = Field(True, description="Honour robots.txt (never turn off for real sites).")
    robots_ttl_s: float = Field(86_400.0, description="How long a fetched robots.txt is trusted.")
    robots_max_bytes: int = Field(500_000, description="robots.txt beyond this size is cut (RFC 9309).")
    polite_hosts_exempt: list[str] = Field(
        default_factory=list, description="Hosts with no per-host delay (local test servers only)."
    )
    # sitemaps
    sitemap_max_children: int = Field(5, description="Child sitemaps read from a sitemap index (newest).")
    sitemap_max_urls: int = Field(1000, description="Article URLs taken from one sitemap at most.")
    sitemap_max_age_days: float = Field(
        3.0, description="Sitemap URLs whose date is older than this are skipped (undated ones are kept)."
    )
    # extraction
    extract_workers: int = Field(
        2, description="Extractor worker processes; 0 extracts in a thread (no hard timeout: debugging only)."
    )
    extract_timeout_s: float = Field(20.0, description="A page's extraction is killed after this.")
    extract_memory_mb: int = Field(
        2048, description="Address-space cap of an extractor worker (MB); 0 for no cap."
    )
    max_pages_in_memory: int = Field(
        256, description="Pages fetched but not yet extracted, at most (bounds memory on big runs)."
    )
