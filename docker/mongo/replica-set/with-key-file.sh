#!/bin/bash
# Compose's command for the mongo service: make sure the replica set's key file exists, then hand over to the
# image's entry point with the mongod command line that follows. With authentication on, replica set members
# authenticate to each other with a shared key file; this set has one member, so the key is made here, at
# first start, in the data volume, and never leaves the container.
set -euo pipefail
key=/data/db/replica-set.key
if [ ! -s "$key" ]; then
    umask 077
    head -c 512 /dev/urandom | base64 -w 0 > "$key.new"
    mv "$key.new" "$key"
fi
chmod 400 "$key"
exec docker-entrypoint.sh "$@"
