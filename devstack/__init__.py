"""The development stack: local processes (SecantusDB, RabbitMQ vhosts, the services) and the shared corpus.

Used by the `newsflow run` command, the tests, the benchmarks and the scripts; never by the services.
"""
