// The mongo service's healthcheck (mongosh, inside the container): healthy once this member is the writable
// primary of the single-member replica set rs0. The first check after the first start initiates the set; an
// initiated set answers rs.status(), so later checks only look. The root password comes from the container's
// environment, never from a command line.
db.getSiblingDB("admin").auth(process.env.MONGO_INITDB_ROOT_USERNAME, process.env.MONGO_INITDB_ROOT_PASSWORD);
try {
  rs.status();
} catch (error) {
  if (error.codeName !== "NotYetInitialized") {
    throw error;
  }
  rs.initiate({ _id: "rs0", members: [{ _id: 0, host: "mongo:27017" }] });
}
quit(db.hello().isWritablePrimary ? 0 : 1);
