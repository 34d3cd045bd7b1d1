# The README's two commands.
.PHONY: run test bench chaos

run:    ## set up and run the gateway on embedded defaults (SQLite, jobs inline, outbox)
	bin/run

test:   ## set up and run the whole suite (SQLite, plus PostgreSQL and Redis when installed)
	bin/test

bench:  ## the benchmarks in bench/ (needs PostgreSQL and Redis)
	bin/bench

chaos:  ## kill workers, gunicorn, Redis and PostgreSQL under traffic; prove nothing is lost (a few minutes)
	bin/chaos
