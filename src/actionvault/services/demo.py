"""Demo content: an administrator, a standard user, a few documents with real errors, records.

Loading is idempotent (it does nothing when the demo administrator exists), so `actionvault
demo` can be started again and again on the same data folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from actionvault.ports import Clock
from actionvault.services.sessions import hash_password
from actionvault.store import Stores

DEMO_ADMIN_USERNAME = "admin@actionvault.demo"
DEMO_ADMIN_PASSWORD = "actionvault-demo"
DEMO_USER_USERNAME = "writer@actionvault.demo"
DEMO_USER_PASSWORD = "actionvault-writer"


@dataclass(frozen=True, slots=True)
class DemoLoad:
    created: bool
    documents: tuple[tuple[int, str], ...]


async def load_demo_content(stores: Stores, clock: Clock) -> DemoLoad:
    if await stores.users.credentials(DEMO_ADMIN_USERNAME) is not None:
        return DemoLoad(created=False, documents=())
    now = clock()
    admin = await stores.users.add_user(
        username=DEMO_ADMIN_USERNAME,
        password_hash=hash_password(DEMO_ADMIN_PASSWORD),
        first_name="Demo",
        last_name="Administrator",
        email=DEMO_ADMIN_USERNAME,
        is_admin=True,
        now=now,
    )
    writer = await stores.users.add_user(
        username=DEMO_USER_USERNAME,
        password_hash=hash_password(DEMO_USER_PASSWORD),
        first_name="Demo",
        last_name="Writer",
        email=DEMO_USER_USERNAME,
        now=now,
    )
    await stores.users.grant_action(writer.id, "quick_check__v", "*")
    folder = resources.files("actionvault.demo") / "documents"
    index = json.loads((folder / "index.json").read_text("utf-8"))
    created = []
    for entry in index:
        version = await stores.content.add_document(
            name=entry["name"],
            type=entry["type"],
            owner_id=admin.id,
            text=(folder / entry["file"]).read_text("utf-8"),
            file_name=entry["file"],
            now=now,
        )
        await stores.content.grant_document_role(version.document.id, writer.id, "viewer__v")
        created.append((version.document.id, entry["name"]))
    await stores.content.add_record(
        record_id="PRD000000000001",
        object_name="product__v",
        object_type="base__v",
        name="Cardiovex",
        owner_id=admin.id,
        fields={
            "name__v": "Cardiovex",
            "generic_name__v": "cardiovexumab",
            "therapeutic_area__v": "Cardiology",
            "status__v": "active__v",
        },
        now=now,
    )
    return DemoLoad(created=True, documents=tuple(created))
