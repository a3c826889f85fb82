"""GraphiQL served from local files, so the in-browser IDE works without internet access.

Third-party JavaScript and CSS are never committed: ``fetch_assets`` downloads the pinned npm
packages with the ordinary ``npm pack`` client at install time (``eksamihaldus assets``), checks
every file against its pinned SHA-384 digest and copies only the listed files into
``STATIC_DIR`` (``var/static/graphiql`` by default, or ``$EH_VAR_DIR/static/graphiql``).
``graphiql_html`` renders our own page that references those local files only.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import NamedTuple

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from app.settings import VAR_DIR

STATIC_DIR = VAR_DIR / "static" / "graphiql"
STATIC_PREFIX = "/static/graphiql"
NPM_TIMEOUT_SECONDS = 300


class Asset(NamedTuple):
    """One file taken from an npm package tarball."""

    package: str
    version: str
    member: str
    """Path of the file inside the tarball produced by ``npm pack``."""
    name: str
    """Local file name under ``STATIC_DIR``, versioned so an upgrade never reuses a stale file."""
    sha384: str
    """Subresource-integrity digest (``sha384-<base64>``) of the file."""


# The versions strawberry-graphql 0.341.2 uses for its own page; the digests are identical to
# the ``integrity`` attributes of strawberry's bundled graphiql.html.
ASSETS: tuple[Asset, ...] = (
    Asset(
        "react",
        "18.2.0",
        "package/umd/react.production.min.js",
        "react-18.2.0.production.min.js",
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
    ),
    Asset(
        "react-dom",
        "18.2.0",
        "package/umd/react-dom.production.min.js",
        "react-dom-18.2.0.production.min.js",
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
    ),
    Asset(
        "graphiql",
        "3.8.3",
        "package/graphiql.min.css",
        "graphiql-3.8.3.min.css",
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
    ),
    Asset(
        "graphiql",
        "3.8.3",
        "package/graphiql.min.js",
        "graphiql-3.8.3.min.js",
        "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
    ),
    Asset(
        "@graphiql/plugin-explorer",
        "1.0.2",
        "package/dist/style.css",
        "graphiql-plugin-explorer-1.0.2.css",
        "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi",
    ),
    Asset(
        "@graphiql/plugin-explorer",
        "1.0.2",
        "package/dist/index.umd.js",
        "graphiql-plugin-explorer-1.0.2.umd.js",
        "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9",
    ),
)

# Empty: a placeholder token would be sent (and refused) with the schema download.
DEFAULT_HEADERS = "{}"

DEFAULT_QUERY = """# Eksamihaldus GraphiQL
#
# Without a token you see the public view. To act in a role, print a
# token (`eksamihaldus demo-users` lists who can sign in):
#   eksamihaldus token --person 49403136515 --role SCHOOL
# and put it in the Headers tab below:
#   {"Authorization": "Bearer <token>"}
# Run a query with Ctrl-Enter; Ctrl-Space completes names.

{
  __typename
}
"""


def _integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def _checked_name(name: str) -> str:
    """Refuse any local file name that could leave the static directory."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        raise ValueError(f"unsafe asset file name: {name!r}")
    return name


def missing_assets(static_dir: Path = STATIC_DIR) -> list[str]:
    """Local file names from ``ASSETS`` that are not present in ``static_dir``."""
    return [a.name for a in ASSETS if not (static_dir / _checked_name(a.name)).is_file()]


def _is_current(path: Path, sha384: str) -> bool:
    return path.is_file() and _integrity(path.read_bytes()) == sha384


def _npm_pack(npm: str, spec: str, workdir: Path) -> Path:
    """Run ``npm pack spec`` inside an empty ``workdir`` and return the tarball it wrote."""
    workdir.mkdir()
    try:
        result = subprocess.run(
            [npm, "pack", "--silent", spec],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeError(f"could not run `npm pack {spec}`: {exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise RuntimeError(
            f"`npm pack {spec}` failed with exit code {result.returncode}: {detail or 'no output'}"
        )
    tarballs = sorted(workdir.glob("*.tgz"))
    if len(tarballs) != 1:
        raise RuntimeError(f"`npm pack {spec}` did not produce exactly one .tgz file")
    return tarballs[0]


def _read_member(tarball: Path, member_name: str) -> bytes:
    """The bytes of one regular file in the tarball; links and other members are refused."""
    with tarfile.open(tarball, "r:gz") as archive:
        try:
            member = archive.getmember(member_name)
        except KeyError:
            raise RuntimeError(f"{tarball.name} has no file {member_name}") from None
        if not member.isfile():
            raise RuntimeError(f"{tarball.name}: {member_name} is not a regular file")
        stream = archive.extractfile(member)
        if stream is None:
            raise RuntimeError(f"{tarball.name}: cannot read {member_name}")
        with stream:
            return stream.read()


def _write_atomically(target: Path, data: bytes) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def fetch_assets(static_dir: Path = STATIC_DIR) -> None:
    """Download the pinned packages with ``npm pack`` and copy the listed files to ``static_dir``.

    Files already present with the expected digest are skipped, so a second run does not touch
    the network. Raises ``RuntimeError`` when npm is missing, fails, or delivers unexpected bytes.
    """
    todo = [a for a in ASSETS if not _is_current(static_dir / _checked_name(a.name), a.sha384)]
    if not todo:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is not installed or not on PATH; it is needed once to fetch the GraphiQL files"
        )
    static_dir.mkdir(parents=True, exist_ok=True)
    specs = list(dict.fromkeys(f"{a.package}@{a.version}" for a in todo))
    with tempfile.TemporaryDirectory(prefix="eksamihaldus-npm-") as tmp:
        tarballs = {
            spec: _npm_pack(npm, spec, Path(tmp) / f"pkg{index}")
            for index, spec in enumerate(specs)
        }
        for asset in todo:
            data = _read_member(tarballs[f"{asset.package}@{asset.version}"], asset.member)
            digest = _integrity(data)
            if digest != asset.sha384:
                raise RuntimeError(
                    f"{asset.package}@{asset.version} {asset.member}: digest {digest} does not "
                    f"match the pinned {asset.sha384}"
                )
            _write_atomically(static_dir / asset.name, data)


def _script_json(value: str) -> str:
    """A JSON string literal that is safe to place inside an inline <script> element."""
    return (
        json.dumps(value)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _missing_page(missing: list[str]) -> str:
    items = "\n".join(f"      <li><code>{html.escape(name)}</code></li>" for name in missing)
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Eksamihaldus GraphiQL</title>
  </head>
  <body>
    <h1>Eksamihaldus GraphiQL</h1>
    <p>The GraphiQL files are not installed on this server, so the page cannot start.</p>
    <p>Fetch them once (this needs npm and access to the npm registry) with
      <code>eksamihaldus assets</code> or the development setup script, then reload this page.
      The GraphQL endpoint itself works without them.</p>
    <p>Missing files:</p>
    <ul>
{items}
    </ul>
  </body>
</html>
"""


def graphiql_html(
    graphql_path: str = "/graphql",
    static_prefix: str = STATIC_PREFIX,
    *,
    static_dir: Path = STATIC_DIR,
) -> str:
    """Our GraphiQL page, loading only the local files under ``static_prefix``.

    When any file is missing from ``static_dir`` a short explanation is returned instead.
    """
    missing = missing_assets(static_dir)
    if missing:
        return _missing_page(missing)

    prefix = static_prefix.rstrip("/")
    styles: list[str] = []
    scripts: list[str] = []
    for asset in ASSETS:
        url = html.escape(f"{prefix}/{asset.name}")
        integrity = html.escape(asset.sha384)
        if asset.name.endswith(".css"):
            styles.append(f'    <link rel="stylesheet" href="{url}" integrity="{integrity}">')
        else:
            scripts.append(f'    <script src="{url}" integrity="{integrity}"></script>')
    style_tags = "\n".join(styles)
    script_tags = "\n".join(scripts)

    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Eksamihaldus GraphiQL</title>
    <link rel="icon" href="data:,">
{style_tags}
    <style>
      html, body {{ height: 100%; margin: 0; overflow: hidden; }}
      #graphiql {{ height: 100vh; }}
    </style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
{script_tags}
    <script>
      (function () {{
        var fetcher = GraphiQL.createFetcher({{ url: {_script_json(graphql_path)} }});
        var plugins = [];
        if (window.GraphiQLPluginExplorer) {{
          plugins.push(GraphiQLPluginExplorer.explorerPlugin());
        }}
        var root = ReactDOM.createRoot(document.getElementById("graphiql"));
        root.render(
          React.createElement(GraphiQL, {{
            fetcher: fetcher,
            plugins: plugins,
            defaultQuery: {_script_json(DEFAULT_QUERY)},
            defaultHeaders: {_script_json(DEFAULT_HEADERS)},
            isHeadersEditorEnabled: true,
            shouldPersistHeaders: true,
            defaultEditorToolsVisibility: "headers",
            inputValueDeprecation: true,
          }})
        );
      }})();
    </script>
  </body>
</html>
"""


def static_routes() -> list[BaseRoute]:
    """The mount that serves the fetched files; it tolerates a directory that does not exist yet."""
    return [
        Mount(
            STATIC_PREFIX,
            app=StaticFiles(directory=STATIC_DIR, check_dir=False),
            name="graphiql-static",
        )
    ]
