"""Labeling settings (FRAMEWATCH_LABEL_* environment variables), built where the program starts."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from labels.annotators import check_names


class LabelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRAMEWATCH_LABEL_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address the labeling page binds to (loopback by default).")
    port: int = Field(8766, ge=1, le=65535, description="Port of the labeling page.")
    margin: float = Field(
        0.01, description="Macro-F1 a challenger must gain over the champion on the test set to be promoted."
    )
    annotators: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Who may label on the page, comma-separated (FRAMEWATCH_LABEL_ANNOTATORS=alice,bob); "
        "`label serve --annotator NAME` adds names. Nobody else can start a session.",
    )

    @field_validator("annotators", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [name.strip() for name in value.split(",") if name.strip()]
        return check_names(value)
