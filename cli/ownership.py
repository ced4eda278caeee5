"""`newsflow migrate-owners`: give articles stored before key names an owner, and the id that owner derives.

An article's id derives from the name of the key that submitted it (`shared.articles.article_id`); articles
stored before that have no owner and the old, unowned id. This moves each to its owner's id. Each article is
first written under the new id, then removed under the old one, so a run that stops half-way is finished by
running it again; articles that have an owner are never touched, so a second run changes nothing.
"""

from dataclasses import dataclass

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from shared.articles import ArticleIn, article_id
from shared.database import Document, from_mongo, to_mongo

# `owner: None` also matches documents that have no `owner` field at all.
UNOWNED = {"owner": None}


@dataclass(frozen=True)
class OwnerMigration:
    moved: int  # stored under the owner's id now
    superseded: int  # the owner had re-posted the article since: the newer submission was kept


async def assign_owner(collection: AsyncCollection[Document], owner: str) -> OwnerMigration:
    """Give every unowned article `owner`, moving it to the id `owner`'s submission of it would have."""
    moved = superseded = 0
    # The ids first: the loop writes to the collection it would otherwise still be reading.
    unowned = [stored["_id"] async for stored in collection.find(UNOWNED, {"_id": 1})]
    for old_id in unowned:
        stored = await collection.find_one({"_id": old_id, **UNOWNED})
        if stored is None:  # moved meanwhile, by another run
            continue
        document = from_mongo(stored)
        article = ArticleIn.model_validate(
            document.model_dump(include={"title", "body", "source", "url", "external_id"}, exclude_none=True)
        )
        owned = document.model_copy(update={"id": article_id(article, owner), "owner": owner})
        try:
            # The same rule as the worker's: a newer submission under the new id is kept, never overwritten.
            await collection.replace_one(
                {"_id": owned.id, "received_at": {"$lte": owned.received_at}}, to_mongo(owned), upsert=True
            )
            moved += 1
        except DuplicateKeyError:
            superseded += 1
        if owned.id != old_id:
            await collection.delete_one({"_id": old_id, **UNOWNED})
    return OwnerMigration(moved=moved, superseded=superseded)
