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
    connect_timeout_s: float = Field(10.0, description="Seconds to establish a connection.")
    total_timeout_s: float = Field(30.0, description="Hard limit for a whole request, body included.")
    max_bytes: int = Field(5_000_000, description="Bodies larger than this are refused (size cap).")
    max_retries: int = Field(3, description="Retries on 408/429/5xx and connection errors only.")
    backoff_s: float = Field(1.0, description="First retry delay; doubles each time.")
    max_retry_after_s: float = Field(60.0, description="Longest Retry-After we honour before giving up.")
    per_host_concurrency: int = Field(4, description="Requests in flight to one host at most.")
    per_host_delay_s: float = Field(2.0, description="Seconds between request starts to one host.")
    total_concurrency: int = Field(32, description="Requests in flight overall.")
    max_redirects: int = Field(5, description="Redirects followed before a page counts as a loop.")
    respect_robots: bool = Field(True, description="Honour robots.txt (never turn off for real sites).")
    polite_hosts_exempt: list[str] = Field(
        default_factory=list, description="Hosts with no per-host delay (local test servers only)."
    )
