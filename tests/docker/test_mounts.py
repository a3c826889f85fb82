"""Every path docker/compose.yaml mounts into our image exists in it, owned by its user.

A named volume mounted at a path the image lacks is created by Docker owned by root, and the
service (uid 10001, read-only root file system) could not write there: `migrate` would fail
to create the development PKI. Static checks of both files; no Docker engine is needed.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())


def _runtime_stage() -> str:
    """The last stage, continuation lines joined."""
    last = DOCKERFILE[DOCKERFILE.rindex("\nFROM ") :]
    return re.sub(r"\\\n\s*", " ", last)


def _runtime_user() -> set[str]:
    """The names the runtime user goes by: its uid and its user name."""
    stage = _runtime_stage()
    [user] = re.findall(r"^USER (\S+)$", stage, re.MULTILINE)
    uid = user.split(":")[0]
    names = {uid}
    for command in re.findall(r"useradd ([^&\n]+)", stage):
        words = shlex.split(command)
        if "--uid" in words and words[words.index("--uid") + 1] == uid:
            names.add(words[-1])
    return names


def _directories_owned_by(owners: set[str]) -> set[PurePosixPath]:
    """Directories the runtime stage creates with `install -d -o <owner>`."""
    created: set[PurePosixPath] = set()
    for line in re.findall(r"^RUN (.+)$", _runtime_stage(), re.MULTILINE):
        for command in line.split("&&"):
            words = shlex.split(command)
            if words[:2] != ["install", "-d"]:
                continue
            options, paths = {}, []
            iterator = iter(words[2:])
            for word in iterator:
                if word in ("-o", "-g", "-m"):
                    options[word] = next(iterator)
                else:
                    paths.append(word)
            if options.get("-o") in owners:
                created.update(PurePosixPath(path) for path in paths)
    return created


def _mount_target(volume: Any) -> PurePosixPath:
    if isinstance(volume, dict):
        return PurePosixPath(volume["target"])
    return PurePosixPath(volume.split(":")[1])


def _our_services() -> dict[str, Any]:
    return {
        name: service
        for name, service in COMPOSE["services"].items()
        if (service.get("build") or {}).get("dockerfile") == "docker/Dockerfile"
    }


def test_the_runtime_user_is_known():
    assert _runtime_user() == {"10001", "eksamihaldus"}


def test_every_volume_mounted_into_our_image_is_created_in_it_for_its_user():
    services = _our_services()
    targets = {
        (name, _mount_target(volume))
        for name, service in services.items()
        for volume in service.get("volumes", [])
    }
    created = _directories_owned_by(_runtime_user())

    assert {"migrate", "api", "worker"} <= set(services)
    assert targets  # the keys and the development PKI at least
    missing = sorted((name, str(path)) for name, path in targets if path not in created)
    assert missing == []


def test_every_tmpfs_is_a_fresh_writable_mount():
    # tmpfs mounts are made anew, world-writable, by the engine: nothing to create in the image
    tmpfs = {
        PurePosixPath(path)
        for service in _our_services().values()
        for path in service.get("tmpfs", [])
    }

    assert tmpfs == {PurePosixPath("/tmp")}
    assert all(service.get("read_only") for service in _our_services().values())
