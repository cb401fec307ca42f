"""The supervisor dashboard: one self-contained page (inline SVG charts, no external assets).

The page shell holds no data, so it is served without credentials (a browser cannot attach a
header to a navigation); it asks for a token once and every figure it draws comes from the
authenticated KPI, forecast, staffing and wallboard routes beside it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from ringway.shared.web.auth import public

router = APIRouter(tags=["dashboard"])
PAGE = Path(__file__).with_name("dashboard.html")


@cache
def _page() -> str:
    return PAGE.read_text(encoding="utf-8")


@router.get("/dashboard", response_class=HTMLResponse, dependencies=[Depends(public)])
async def dashboard() -> HTMLResponse:
    """Live wallboard and charts for supervisors (data loaded with their token)."""
    return HTMLResponse(_page(), headers={
        "Content-Security-Policy": "default-src 'self'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; connect-src 'self'", "Cache-Control": "no-cache"})
