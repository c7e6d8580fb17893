"""What makes the report one self-contained, offline file: the Vega, Vega-Lite and vega-embed JavaScript
(bundled by the vl-convert-python package, no network), the page's own script and style, and JSON made
safe to inline in a <script> element."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).with_name("templates")
_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _script_text(js: str) -> Markup:
    """JavaScript inlined in <script>: a literal '</script' or '<!--' would end or confuse the element."""
    return Markup(js.replace("</script", "<\\/script").replace("<!--", "<\\!--"))


@lru_cache(maxsize=4)
def vega_bundle(cache_dir: Path | None = None) -> Markup:
    """vegaEmbed, vega and vegaLite as globals (the Vega-Lite version Altair writes specs for). Bundling
    takes seconds, so the bundle is kept in `cache_dir` (the flows pass FRAMEWATCH_HOME/cache), keyed by
    both versions, and in this process's memory."""
    import altair as alt
    import vl_convert as vlc

    version = alt.SCHEMA_VERSION.rsplit(".", 1)[0]  # 'v6.4.1' -> 'v6.4'
    vlc_version: str = vlc.__version__  # type: ignore[attr-defined]  # the stub omits __version__
    name = f"vega-bundle-{version}-vl-convert-{vlc_version}.js"
    cached = None if cache_dir is None else Path(cache_dir) / name
    try:
        text = "" if cached is None else cached.read_text(encoding="utf-8")
    except OSError:
        text = ""
    if "vegaEmbed" in text:
        return _script_text(text)
    log.info("bundling Vega-Lite %s with vl-convert %s", version, vlc_version)
    # the stub makes `snippet` required; at runtime it defaults to None (the globals snippet)
    text = vlc.javascript_bundle(vl_version=version)  # type: ignore[call-arg]
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f".{cached.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(cached)
        except OSError:
            log.warning("could not keep the Vega bundle at %s", cached, exc_info=True)
    return _script_text(text)


def page_script() -> Markup:
    return _script_text((TEMPLATES / "report.js").read_text(encoding="utf-8"))


def page_style() -> Markup:
    return Markup((TEMPLATES / "report.css").read_text(encoding="utf-8").replace("</", "<\\/"))


def script_json(data: Any) -> Markup:
    """JSON for <script type="application/json">: every <, > and & escaped, so untrusted text (article
    titles) cannot close the element; dates as ISO strings."""
    text = json.dumps(data, default=str, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _SCRIPT_SAFE.items():
        text = text.replace(raw, escaped)
    return Markup(text)
