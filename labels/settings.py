"""Labeling settings (FRAMEWATCH_LABEL_* environment variables), built where the program starts."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LabelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRAMEWATCH_LABEL_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address the labeling page binds to (loopback by default).")
    port: int = Field(8766, description="Port of the labeling page.")
    margin: float = Field(
        0.01, description="Macro-F1 a challenger must gain over the champion on the test set to be promoted."
    )
