# The README's two commands.
.PHONY: run test bench

run:    ## set up and run the gateway on embedded defaults (SQLite, jobs inline, outbox)
	bin/run

test:   ## set up and run the whole suite (SQLite, plus PostgreSQL and Redis when installed)
	bin/test

bench:  ## the benchmarks in bench/ (needs PostgreSQL and Redis)
	bin/bench
