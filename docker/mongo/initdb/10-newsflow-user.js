// Runs once, when the official mongo image initialises an empty data volume (files in
// /docker-entrypoint-initdb.d/ run against MONGO_INITDB_DATABASE after the root user exists).
// Creates the services' least-privilege account: readWrite on the newsflow database and nothing else.
// The local stand-in (docker/mongo-standin/entrypoint.py) does the same from the same variables.
const database = process.env.MONGO_INITDB_DATABASE || "newsflow";
const user = process.env.NEWSFLOW_DB_USER;
const password = process.env.NEWSFLOW_DB_PASSWORD;
if (!user || !password) {
  throw new Error("NEWSFLOW_DB_USER and NEWSFLOW_DB_PASSWORD must be set");
}
db.getSiblingDB(database).createUser({
  user: user,
  pwd: password,
  roles: [{ role: "readWrite", db: database }],
});
print(`created application user ${user} (readWrite on ${database})`);
