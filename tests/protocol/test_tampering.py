"""A signed protocol changed afterwards: `Protocol.verification` and `documentVerify` say so.

The protocols are the real ones (rendered, signed by the committee through the API); the
changes are the incremental updates of ``tests/signing/tampering.py``. A protocol has no form
field but its signature fields, so "form field" here is a filled text field added to it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from models.enums import Role
from models.protocol import ProtocolDocument
from signing.pki import DevelopmentPki
from signing.timestamps import local_timestamper
from tests.protocol.conftest import HeldExam
from tests.protocol.test_document_verify import verify
from tests.protocol.test_signing_flow import (
    PROTOCOL,
    PROTOCOL_SIGN,
    commission_pk,
    create_assessment,
)
from tests.signing import tampering
from tests.signing.validators import assert_pdfsig_appended_after, make_nss_db

CHANGES: dict[str, Callable[[bytes], bytes]] = {
    **tampering.CHANGES,
    "form_field": tampering.add_text_field,
}


async def sign_protocol(api, held: HeldExam, signers: int) -> str:  # type: ignore[no-untyped-def]
    """The first group's assessment protocol signed by its first ``signers`` members."""
    group = held.groups[0]
    protocol = await create_assessment(api, held, group)
    for member in held.committees[group.id][:signers]:
        data = await api.query(
            PROTOCOL_SIGN, {"protocol": protocol["id"]}, as_=(member, Role.ASSESSOR)
        )
        assert data["data"]["protocolSign"]["userErrors"] == []
    return protocol["id"]


async def stored(protocol_id: str) -> bytes:
    return (await ProtocolDocument.get(protocol_id=commission_pk(protocol_id))).content


async def store(protocol_id: str, content: bytes) -> None:
    """What a forger with access to the files would do."""
    await ProtocolDocument.filter(protocol_id=commission_pk(protocol_id)).update(content=content)


async def both_views(api, held: HeldExam, protocol_id: str, content: bytes) -> list[dict]:  # type: ignore[no-untyped-def]
    """The verification of ``content`` as uploaded, and as the stored protocol's."""
    uploaded = (await verify(api, content))["verification"]
    await store(protocol_id, content)
    data = await api.query(PROTOCOL, {"id": protocol_id}, as_=(held.body_user, Role.AWARDING_BODY))
    return [uploaded, data["data"]["node"]["verification"]]


@pytest.fixture
def nss(tmp_path: Path, test_pki: DevelopmentPki) -> Path:
    return make_nss_db(tmp_path / "nss", test_pki.root_certificate_pem)


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
async def test_a_change_after_the_last_signature_is_reported(  # type: ignore[no-untyped-def]
    api, held: HeldExam, nss: Path, change: Callable[[bytes], bytes]
):
    protocol_id = await sign_protocol(api, held, signers=3)
    changed = change(await stored(protocol_id))

    for verification in await both_views(api, held, protocol_id, changed):
        assert verification["valid"] is False
        assert all(s["intact"] and s["trusted"] for s in verification["signatures"])
        assert all(s["modifiedAfter"] for s in verification["signatures"])
        assert verification["signatures"][-1]["coversWholeDocument"] is False
    assert_pdfsig_appended_after(changed, nss, expected_signatures=3, document_timestamps=1)


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
async def test_a_change_between_signatures_is_reported(  # type: ignore[no-untyped-def]
    api, held: HeldExam, nss: Path, change: Callable[[bytes], bytes]
):
    protocol_id = await sign_protocol(api, held, signers=1)
    changed = change(await stored(protocol_id))

    for verification in await both_views(api, held, protocol_id, changed):
        assert verification["valid"] is False
        assert verification["signatures"][0]["intact"] is True
        assert verification["signatures"][0]["modifiedAfter"] is True
    assert_pdfsig_appended_after(changed, nss, expected_signatures=1)


async def test_validation_data_and_a_document_timestamp_keep_the_protocol_valid(  # type: ignore[no-untyped-def]
    api, held: HeldExam, test_pki: DevelopmentPki
):
    protocol_id = await sign_protocol(api, held, signers=3)
    signed = await stored(protocol_id)
    with_dss = tampering.add_validation_data(signed, test_pki.root_certificate_pem)
    archived = await tampering.add_document_timestamp(with_dss, local_timestamper(test_pki))

    for document in (with_dss, archived):
        for verification in await both_views(api, held, protocol_id, document):
            assert verification["valid"] is True
            assert not any(s["modifiedAfter"] for s in verification["signatures"])
            assert len(verification["signatures"]) == 3
