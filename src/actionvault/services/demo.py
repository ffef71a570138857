"""Demo content: an administrator, a standard user, a few documents with real errors, records.

The content itself is data in `actionvault/demo`: the documents and their index, the records,
and the demo's own names (`words.txt`), which each demo document carries in its
`allow_words__c` field so that proofreading takes them as correct there. Loading is idempotent
(it does nothing when the demo administrator exists), so `actionvault demo` can be started
again and again on the same data folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from actionvault.actions.spelling_grammar import ALLOW_WORDS_FIELD
from actionvault.content.extraction import extract_text_from_bytes
from actionvault.content.files import FileStore
from actionvault.domain.principals import ADMIN_PROFILE, ObjectPermission
from actionvault.ports import Clock
from actionvault.services.sessions import hash_password
from actionvault.store import Stores
from actionvault.store.content import NewVersion

DEMO_ADMIN_USERNAME = "admin@actionvault.demo"
DEMO_ADMIN_PASSWORD = "actionvault-demo"
DEMO_USER_USERNAME = "writer@actionvault.demo"
DEMO_USER_PASSWORD = "actionvault-writer"
DEMO_PERMISSION_SET = "vault_ai_quick_check__c"


def demo_words() -> list[str]:
    """The demo content's own names, which no dictionary holds."""
    source = resources.files("actionvault.demo") / "words.txt"
    lines = source.read_text("utf-8").splitlines()
    return [word for line in lines for word in line.split("#", 1)[0].split()]


@dataclass(frozen=True, slots=True)
class DemoLoad:
    created: bool
    documents: tuple[tuple[int, str], ...]


async def load_demo_content(stores: Stores, files: FileStore, clock: Clock) -> DemoLoad:
    if await stores.users.credentials(DEMO_ADMIN_USERNAME) is not None:
        return DemoLoad(created=False, documents=())
    now = clock()
    admin = await stores.users.add_user(
        username=DEMO_ADMIN_USERNAME,
        password_hash=hash_password(DEMO_ADMIN_PASSWORD),
        first_name="Demo",
        last_name="Administrator",
        email=DEMO_ADMIN_USERNAME,
        security_profile=ADMIN_PROFILE,
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
    users = stores.users
    await users.save_permission_set(DEMO_PERMISSION_SET, "Vault AI: Quick Check", True, now)
    await users.grant_set_action(DEMO_PERMISSION_SET, "quick_check__v", "*")
    await users.grant_set_object(DEMO_PERMISSION_SET, "product__v", ObjectPermission(read=True))
    await users.assign_permission_set(writer.id, DEMO_PERMISSION_SET)
    demo = resources.files("actionvault.demo")
    folder = demo / "documents"
    index = json.loads((folder / "index.json").read_text("utf-8"))
    fields = {ALLOW_WORDS_FIELD: demo_words()}
    created = []
    for entry in index:
        data = (folder / entry["file"]).read_bytes()
        stored = await files.save_bytes(data)
        text, segments = extract_text_from_bytes(data, "text/plain")
        version = await stores.content.add_document(
            name=entry["name"],
            type=entry["type"],
            owner_id=admin.id,
            version=NewVersion(
                file_name=entry["file"],
                mime_type="text/plain",
                text=text,
                segments=segments,
                file_key=stored.key,
                file_size=stored.size,
                sha256=stored.sha256,
            ),
            now=now,
            fields=fields,
        )
        await stores.content.grant_document_role(
            version.document.id, "viewer__v", user_id=writer.id
        )
        created.append((version.document.id, entry["name"]))
    for record in json.loads((demo / "records.json").read_text("utf-8")):
        await stores.content.add_record(
            record_id=record["record_id"],
            object_name=record["object_name"],
            object_type=record["object_type"],
            name=record["name"],
            owner_id=admin.id,
            fields=record["fields"],
            now=now,
        )
        await stores.content.grant_record_role(record["record_id"], "viewer__v", user_id=writer.id)
    return DemoLoad(created=True, documents=tuple(created))
