"""`newsflow reenrich`: send stored articles whose pipeline version is older than the current one back
through the queue, so an upgraded worker enriches them again."""

from cli.topology_session import topology_session
from shared import broker, database, topology
from shared.articles import ArticleIn
from shared.database import from_mongo
from shared.messages import ArticleSubmitted
from shared.settings import BrokerSettings, DatabaseSettings


async def republish_outdated(
    broker_settings: BrokerSettings, db_settings: DatabaseSettings, current_version: str
) -> int:
    client = database.connect(db_settings)
    published = 0
    try:
        async with topology_session(broker_settings, confirms=True) as topo:
            collection = database.articles(database.database(client, db_settings))
            async for stored in collection.find({"pipeline.version": {"$ne": current_version}}):
                document = from_mongo(stored)
                article = ArticleIn.model_validate(
                    document.model_dump(
                        include={"title", "body", "source", "url", "external_id", "published_at"}, exclude_none=True
                    )
                    | ({"language": document.language} if document.language_source == "declared" else {})
                )
                # The original arrival time is kept, so the upsert's "newer wins" rule still lets this replace it.
                message = ArticleSubmitted(
                    id=document.id, owner=document.owner, article=article, received_at=document.received_at
                )
                await broker.publish_confirmed(
                    topo.exchange,
                    broker.persistent_message(message.model_dump_json().encode(), message_id=message.id),
                    topology.ARTICLE_ROUTING_KEY,
                )
                published += 1
    finally:
        await client.close()
    return published
