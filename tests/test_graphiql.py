"""The local GraphiQL page: no remote URLs, only pinned assets, and the files really serve."""

from __future__ import annotations

import io
import shutil
import tarfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from app import graphiql
from app.graphiql import ASSETS, fetch_assets, graphiql_html, missing_assets, static_routes

ASSET_NAMES = {asset.name for asset in ASSETS}


class _References(HTMLParser):
    """Collects every src and href attribute value of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value is not None:
                self.urls.append(value)


def _references(page: str) -> list[str]:
    parser = _References()
    parser.feed(page)
    parser.close()
    return parser.urls


@pytest.fixture
def placeholder_dir(tmp_path: Path) -> Path:
    """A static dir where every asset exists (empty files), enough to render the full page."""
    for name in ASSET_NAMES:
        (tmp_path / name).write_bytes(b"")
    return tmp_path


@pytest.fixture(scope="session")
def fetched_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("npm") is None:
        pytest.skip("npm is not on PATH, so the GraphiQL files cannot be fetched")
    target = tmp_path_factory.mktemp("graphiql-static")
    fetch_assets(target)
    return target


def test_page_references_only_local_urls(placeholder_dir: Path) -> None:
    page = graphiql_html(static_dir=placeholder_dir)
    urls = _references(page)
    assert urls, "the page should load its scripts and styles"
    for url in urls:
        parts = urlsplit(url)
        assert parts.netloc == "", url
        assert parts.scheme in {"", "data"}, url
    assert "http:" not in page
    assert "https:" not in page
    assert "//" not in " ".join(urls)


def test_page_references_exactly_the_pinned_assets(placeholder_dir: Path) -> None:
    page = graphiql_html(static_prefix="/static/graphiql", static_dir=placeholder_dir)
    local = [url for url in _references(page) if not url.startswith("data:")]
    assert all(url.startswith("/static/graphiql/") for url in local), local
    referenced = {url.removeprefix("/static/graphiql/") for url in local}
    assert referenced <= ASSET_NAMES
    assert referenced == ASSET_NAMES, "every pinned asset should be used by the page"
    for asset in ASSETS:
        assert f'integrity="{asset.sha384}"' in page


def test_page_targets_the_endpoint_and_offers_a_token_header(placeholder_dir: Path) -> None:
    page = graphiql_html("/api/graphql", static_dir=placeholder_dir)
    assert "<title>Eksamihaldus GraphiQL</title>" in page
    assert 'url: "/api/graphql"' in page
    assert "Authorization" in page
    assert "Bearer" in page
    assert "shouldPersistHeaders: true" in page


def test_endpoint_path_cannot_break_out_of_the_script(placeholder_dir: Path) -> None:
    page = graphiql_html('/x"</script><script>alert(1)</script>', static_dir=placeholder_dir)
    assert page.count("</script>") == len([a for a in ASSETS if a.name.endswith(".js")]) + 1
    assert "<script>alert(1)" not in page


def test_missing_assets_page_explains_how_to_fetch(tmp_path: Path) -> None:
    assert sorted(missing_assets(tmp_path)) == sorted(ASSET_NAMES)
    page = graphiql_html(static_dir=tmp_path)
    assert "eksamihaldus assets" in page
    assert "<script" not in page
    assert "http:" not in page
    assert "https:" not in page


def test_fetch_without_npm_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(RuntimeError, match="npm"):
        fetch_assets(tmp_path)


def test_tar_links_are_refused(tmp_path: Path) -> None:
    tarball = tmp_path / "evil.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        link = tarfile.TarInfo("package/umd/react.production.min.js")
        link.type = tarfile.SYMTYPE
        link.linkname = "../../../etc/passwd"
        archive.addfile(link)
        data = b"x"
        member = tarfile.TarInfo("../outside.js")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    with pytest.raises(RuntimeError, match="not a regular file"):
        graphiql._read_member(tarball, "package/umd/react.production.min.js")
    with pytest.raises(RuntimeError, match="has no file"):
        graphiql._read_member(tarball, "package/missing.js")
    assert not (tmp_path.parent / "outside.js").exists()


def test_fetch_assets_writes_every_pinned_file(fetched_dir: Path) -> None:
    assert missing_assets(fetched_dir) == []
    for asset in ASSETS:
        data = (fetched_dir / asset.name).read_bytes()
        assert graphiql._integrity(data) == asset.sha384
    assert sorted(p.name for p in fetched_dir.iterdir()) == sorted(ASSET_NAMES)


def test_fetch_assets_skips_files_already_present(
    fetched_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    fetch_assets(fetched_dir)  # nothing to do, so npm is never looked for


async def test_static_mount_serves_the_fetched_files(
    fetched_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graphiql, "STATIC_DIR", fetched_dir)
    app = Starlette(routes=static_routes())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for asset in ASSETS:
            response = await client.get(f"/static/graphiql/{asset.name}")
            assert response.status_code == 200, asset.name
            content_type = response.headers["content-type"]
            if asset.name.endswith(".js"):
                assert "javascript" in content_type, (asset.name, content_type)
            else:
                assert content_type.startswith("text/css"), (asset.name, content_type)
            assert graphiql._integrity(response.content) == asset.sha384
        escape = await client.get("/static/graphiql/%2E%2E/graphiql.py")
        assert escape.status_code == 404
