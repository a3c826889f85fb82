"""A local stand-in for SK's Smart-ID (RP API v3) and Mobile-ID (MID REST) services.

A development and test tool, never for production: it answers on loopback only, signs with
development-PKI person certificates (``signing.pki.DevelopmentPki``) of the accounts it was
told about, and can confirm after a delay, on command, or answer with each error.

Routes: ``/smart-id/v3/...`` and ``/mid-api/...`` as SK's services; ``/_sim/...`` to steer it:

- ``POST /_sim/accounts`` ``{"personalCode", "firstName", "lastName", "phoneNumber"}``
- ``PUT /_sim/behaviour`` ``{"personalCode": null (everyone) or a code, "confirm": "delay" |
  "command", "delaySeconds", "endResult" (e.g. ``USER_REFUSED``, ``SIM_ERROR``),
  "startStatus" (HTTP status of the first request, e.g. 471), "malformed", "badSignature",
  "otherCertificate", "hangSeconds"}``
- ``GET /_sim/sessions``, ``POST /_sim/sessions/<id>/confirm`` (optional ``{"endResult"}``)

Run: ``python -m integrations.sk.simulator --pki var/pki --port 8089``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.sk.common import mobile_id_verification_code, smart_id_verification_code
from signing._issuing import pem_to_der
from signing.pki import Credentials, DevelopmentPki
from signing.tsa_server import free_port, stop_process, wait_until_listening

__all__ = ["Behaviour", "Simulator", "create_simulator_app", "running_simulator"]

_HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "SHA-256": hashes.SHA256,
    "SHA-384": hashes.SHA384,
    "SHA-512": hashes.SHA512,
    "SHA256": hashes.SHA256,
    "SHA384": hashes.SHA384,
    "SHA512": hashes.SHA512,
}
# Someone who is nobody's account: "otherCertificate" answers with this person's certificate.
_STRANGER = ("39912319997", "Võõras", "Isik")


@dataclass
class Behaviour:
    confirm: str = "delay"  # "delay" or "command"
    delaySeconds: float = 1.0  # noqa: N815 - the JSON name
    endResult: str = "OK"  # noqa: N815
    startStatus: int | None = None  # noqa: N815
    malformed: bool = False
    badSignature: bool = False  # noqa: N815
    otherCertificate: bool = False  # noqa: N815
    hangSeconds: float = 0.0  # noqa: N815


@dataclass
class Account:
    personal_code: str
    first_name: str
    last_name: str
    phone_number: str | None


@dataclass
class Session:
    id: str
    service: str  # "smart-id" or "mobile-id"
    personal_code: str
    behaviour: Behaviour
    credentials: Credentials | None = None
    digest: bytes = b""
    hash_name: str = "SHA-256"
    verification_code: str | None = None
    complete_at: float | None = None
    end_result: str | None = None
    answer: dict[str, Any] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Simulator:
    """The simulator's state: accounts, behaviours, sessions."""

    def __init__(self, pki: DevelopmentPki) -> None:
        self.pki = pki
        self.accounts: dict[str, Account] = {}
        self.behaviours: dict[str | None, Behaviour] = {None: Behaviour()}
        self.sessions: dict[str, Session] = {}

    def behaviour(self, personal_code: str) -> Behaviour:
        return self.behaviours.get(personal_code) or self.behaviours[None]

    def credentials(self, personal_code: str, key: str, behaviour: Behaviour) -> Credentials:
        if behaviour.otherCertificate:
            return self.pki.person(*_STRANGER, key=key)
        account = self.accounts[personal_code]
        return self.pki.person(personal_code, account.first_name, account.last_name, key=key)

    def new_session(self, service: str, personal_code: str, **values: Any) -> Session:
        behaviour = self.behaviour(personal_code)
        session = Session(uuid.uuid4().hex, service, personal_code, behaviour, **values)
        if behaviour.confirm == "delay":
            session.complete_at = time.monotonic() + behaviour.delaySeconds
        self.sessions[session.id] = session
        # Finished sessions are kept for a while (SK keeps them five minutes).
        if len(self.sessions) > 10_000:
            for key in list(self.sessions)[:1000]:
                del self.sessions[key]
        return session

    def finish(self, session: Session, end_result: str | None = None) -> None:
        if session.done.is_set():
            return
        session.end_result = end_result or session.behaviour.endResult
        session.done.set()

    async def wait(self, session: Session, timeout_ms: int) -> None:
        """Long poll: until the session ends or ``timeout_ms`` passes."""
        if session.done.is_set():
            return
        budget = max(0.0, min(timeout_ms, 120_000) / 1000)
        if session.complete_at is not None:
            left = session.complete_at - time.monotonic()
            if left <= budget:
                await asyncio.sleep(max(0.0, left))
                self.finish(session)
                return
        try:
            await asyncio.wait_for(session.done.wait(), budget)
        except TimeoutError:
            pass


def _sign(session: Session) -> bytes:
    """The device's signature over the digest, as the real service returns it."""
    assert session.credentials is not None
    key = serialization.load_pem_private_key(session.credentials.private_key_pem, None)
    digest = session.digest
    hash_algorithm = _HASHES[session.hash_name]()
    if session.behaviour.badSignature:
        digest = bytes(len(digest))
    if isinstance(key, rsa.RSAPrivateKey):
        pss = padding.PSS(padding.MGF1(hash_algorithm), salt_length=hash_algorithm.digest_size)
        return key.sign(digest, pss, utils.Prehashed(hash_algorithm))
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    der = key.sign(digest, ec.ECDSA(utils.Prehashed(hash_algorithm)))
    r, s = utils.decode_dss_signature(der)
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "code": status}, status_code=status)


def create_simulator_app(simulator: Simulator) -> Starlette:  # noqa: C901 - one route table
    """The simulator's HTTP application."""

    async def body(request: Request) -> dict[str, Any]:
        try:
            value = await request.json()
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def refuse_start(personal_code: str) -> Response | None:
        status = simulator.behaviour(personal_code).startStatus
        return _error(status, "simulated refusal") if status else None

    # ----- Smart-ID -----------------------------------------------------------------------
    async def sid_certificate_choice(request: Request) -> Response:
        semantics = request.path_params["semantics"]
        code = semantics.removeprefix("PNOEE-")
        if code not in simulator.accounts:
            return _error(404, "Object not found")
        if refused := refuse_start(code):
            return refused
        behaviour = simulator.behaviour(code)
        credentials = simulator.credentials(code, "rsa-2048", behaviour)
        session = simulator.new_session("smart-id-certificate", code, credentials=credentials)
        session.answer = {
            "state": "COMPLETE",
            "result": {"endResult": "OK", "documentNumber": f"PNOEE-{code}-MOCK-Q"},
            "cert": {
                "value": _b64(pem_to_der(credentials.certificate_pem)),
                "certificateLevel": "QUALIFIED",
            },
        }
        session.done.set()
        return JSONResponse({"sessionID": session.id})

    async def sid_signature(request: Request) -> Response:
        document = request.path_params["document"]
        code = document.removeprefix("PNOEE-").split("-")[0]
        if code not in simulator.accounts:
            return _error(404, "Object not found")
        data = await body(request)
        params = data.get("signatureProtocolParameters") or {}
        try:
            digest = base64.b64decode(params["digest"], validate=True)
            hash_name = params["signatureAlgorithmParameters"]["hashAlgorithm"]
            _HASHES[hash_name]
        except (KeyError, TypeError, ValueError):
            return _error(400, "Bad request")
        behaviour = simulator.behaviour(code)
        session = simulator.new_session(
            "smart-id",
            code,
            credentials=simulator.credentials(code, "rsa-2048", behaviour),
            digest=digest,
            hash_name=hash_name,
            verification_code=smart_id_verification_code(digest),
        )
        return JSONResponse(
            {
                "sessionID": session.id,
                "vc": {"type": "numeric4", "value": session.verification_code},
            }
        )

    async def sid_session(request: Request) -> Response:
        session = simulator.sessions.get(request.path_params["id"])
        if session is None or not session.service.startswith("smart-id"):
            return _error(404, "Session not found")
        if session.behaviour.hangSeconds:
            await asyncio.sleep(session.behaviour.hangSeconds)
        await simulator.wait(session, int(request.query_params.get("timeoutMs", "1000")))
        if session.answer:
            return JSONResponse(session.answer)
        if not session.done.is_set():
            return JSONResponse({"state": "RUNNING"})
        if session.behaviour.malformed:
            return Response(b'{"state": "COMPLETE", "result": ', media_type="application/json")
        if session.end_result != "OK":
            return JSONResponse({"state": "COMPLETE", "result": {"endResult": session.end_result}})
        assert session.credentials is not None
        return JSONResponse(
            {
                "state": "COMPLETE",
                "result": {
                    "endResult": "OK",
                    "documentNumber": f"PNOEE-{session.personal_code}-MOCK-Q",
                },
                "signatureProtocol": "RAW_DIGEST_SIGNATURE",
                "signature": {
                    "value": _b64(_sign(session)),
                    "signatureAlgorithm": "rsassa-pss",
                    "signatureAlgorithmParameters": {"hashAlgorithm": session.hash_name},
                },
                "cert": {
                    "value": _b64(pem_to_der(session.credentials.certificate_pem)),
                    "certificateLevel": "QUALIFIED",
                },
                "interactionTypeUsed": "displayTextAndPIN",
            }
        )

    # ----- Mobile-ID ----------------------------------------------------------------------
    def mid_account(data: dict[str, Any]) -> Account | None:
        account = simulator.accounts.get(str(data.get("nationalIdentityNumber")))
        if account is None or account.phone_number not in (None, data.get("phoneNumber")):
            return None
        return account

    async def mid_certificate(request: Request) -> Response:
        data = await body(request)
        account = mid_account(data)
        if account is None:
            return JSONResponse({"result": "NOT_FOUND"})
        if refused := refuse_start(account.personal_code):
            return refused
        behaviour = simulator.behaviour(account.personal_code)
        credentials = simulator.credentials(account.personal_code, "ec-p256", behaviour)
        return JSONResponse({"result": "OK", "cert": _b64(pem_to_der(credentials.certificate_pem))})

    async def mid_signature(request: Request) -> Response:
        data = await body(request)
        account = mid_account(data)
        try:
            digest = base64.b64decode(data["hash"], validate=True)
            hash_name = str(data["hashType"])
            _HASHES[hash_name]
        except (KeyError, TypeError, ValueError):
            return _error(400, "hash cannot be null.")
        code = account.personal_code if account else str(data.get("nationalIdentityNumber"))
        behaviour = simulator.behaviour(code)
        session = simulator.new_session(
            "mobile-id",
            code,
            credentials=(simulator.credentials(code, "ec-p256", behaviour) if account else None),
            digest=digest,
            hash_name=hash_name,
            verification_code=mobile_id_verification_code(digest),
        )
        if account is None:
            session.end_result = "NOT_MID_CLIENT"
            session.done.set()
        return JSONResponse({"sessionID": session.id})

    async def mid_session(request: Request) -> Response:
        session = simulator.sessions.get(request.path_params["id"])
        if session is None or session.service != "mobile-id":
            return _error(404, "SessionID not found")
        if session.behaviour.hangSeconds:
            await asyncio.sleep(session.behaviour.hangSeconds)
        await simulator.wait(session, int(request.query_params.get("timeoutMs", "1000")))
        if not session.done.is_set():
            return JSONResponse({"state": "RUNNING"})
        if session.behaviour.malformed:
            return Response(b"<html>502</html>", media_type="application/json")
        if session.end_result != "OK":
            return JSONResponse({"state": "COMPLETE", "result": session.end_result})
        return JSONResponse(
            {
                "state": "COMPLETE",
                "result": "OK",
                "signature": {"value": _b64(_sign(session)), "algorithm": "SHA256WithECEncryption"},
            }
        )

    # ----- steering -----------------------------------------------------------------------
    async def accounts(request: Request) -> Response:
        data = await body(request)
        code = str(data["personalCode"])
        simulator.accounts[code] = Account(
            code, str(data["firstName"]), str(data["lastName"]), data.get("phoneNumber")
        )
        # Issue the person's certificates now, so that signing later measures no key making.
        for key in ("rsa-2048", "ec-p256"):
            simulator.credentials(code, key, Behaviour())
        return JSONResponse({"ok": True})

    async def behaviour(request: Request) -> Response:
        data = await body(request)
        code = data.pop("personalCode", None)
        names = {f.name for f in dataclasses.fields(Behaviour)}
        simulator.behaviours[code] = Behaviour(**{k: v for k, v in data.items() if k in names})
        return JSONResponse({"ok": True})

    async def sessions(request: Request) -> Response:
        return JSONResponse(
            [
                {
                    "id": s.id,
                    "service": s.service,
                    "verificationCode": s.verification_code,
                    "done": s.done.is_set(),
                }
                for s in simulator.sessions.values()
                if s.service in ("smart-id", "mobile-id")
            ]
        )

    async def confirm(request: Request) -> Response:
        session = simulator.sessions.get(request.path_params["id"])
        if session is None:
            return _error(404, "Session not found")
        simulator.finish(session, (await body(request)).get("endResult"))
        return JSONResponse({"ok": True})

    async def reset(request: Request) -> Response:
        simulator.behaviours = {None: Behaviour()}
        simulator.sessions.clear()
        return JSONResponse({"ok": True})

    sid = "/smart-id/v3"
    return Starlette(
        routes=[
            Route(f"{sid}/certificatechoice/notification/etsi/{{semantics}}",
                  sid_certificate_choice, methods=["POST"]),
            Route(f"{sid}/signature/notification/document/{{document}}",
                  sid_signature, methods=["POST"]),
            Route(f"{sid}/session/{{id}}", sid_session, methods=["GET"]),
            Route("/mid-api/certificate", mid_certificate, methods=["POST"]),
            Route("/mid-api/signature", mid_signature, methods=["POST"]),
            Route("/mid-api/signature/session/{id}", mid_session, methods=["GET"]),
            Route("/_sim/accounts", accounts, methods=["POST"]),
            Route("/_sim/behaviour", behaviour, methods=["PUT"]),
            Route("/_sim/sessions", sessions, methods=["GET"]),
            Route("/_sim/sessions/{id}/confirm", confirm, methods=["POST"]),
            Route("/_sim/reset", reset, methods=["POST"]),
        ]
    )  # fmt: skip


def load_people(simulator: Simulator, path: Path) -> None:
    """Accounts for everyone in a demo data file (``people``: code, first, last); any
    phone number is theirs for Mobile-ID."""
    for person in json.loads(path.read_text(encoding="utf-8")).get("people", []):
        code = str(person["code"])
        simulator.accounts[code] = Account(code, person["first"], person["last"], None)


@contextmanager
def running_simulator(
    pki_dir: Path, *, people: Path | None = None, startup_seconds: float = 20
) -> Iterator[str]:
    """Start the simulator in its own process on a free loopback port.

    Yields:
        Its base URL (``http://127.0.0.1:<port>``); it stops when the block ends.
    """
    port = free_port()
    command = [sys.executable, "-m", "integrations.sk.simulator", "--pki", str(pki_dir)]
    command += ["--port", str(port)] + (["--people", str(people)] if people else [])
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        wait_until_listening(process, port, startup_seconds, "the SK simulator")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


def main() -> None:
    """``python -m integrations.sk.simulator --pki DIR --port N`` (loopback only)."""
    import uvicorn

    parser = argparse.ArgumentParser(description="SK Smart-ID / Mobile-ID simulator (dev/test)")
    parser.add_argument("--pki", required=True, help="the development PKI directory")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--people", help="a demo data JSON whose people get accounts")
    args = parser.parse_args()
    simulator = Simulator(DevelopmentPki.create(Path(args.pki)))
    if args.people:
        load_people(simulator, Path(args.people))
    app = create_simulator_app(simulator)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
