// Runs once, when the official mongo image initialises an empty data volume (files in
// /docker-entrypoint-initdb.d/ run against MONGO_INITDB_DATABASE after the root user exists).
// Creates the services' least-privilege accounts on the newsflow database and nothing else: readWrite for
// the workers and the setup step (which creates the indexes), read for the query service.
// The local stand-in (docker/mongo-standin/entrypoint.py) does the same from the same variables.
const database = process.env.MONGO_INITDB_DATABASE || "newsflow";
const accounts = [
  [process.env.NEWSFLOW_DB_USER, process.env.NEWSFLOW_DB_PASSWORD, "readWrite"],
  [process.env.NEWSFLOW_DB_READ_USER, process.env.NEWSFLOW_DB_READ_PASSWORD, "read"],
];
for (const [user, password, role] of accounts) {
  if (!user || !password) {
    throw new Error("NEWSFLOW_DB_USER, NEWSFLOW_DB_READ_USER and their passwords must be set");
  }
  db.getSiblingDB(database).createUser({ user: user, pwd: password, roles: [{ role: role, db: database }] });
  print(`created user ${user} (${role} on ${database})`);
}
