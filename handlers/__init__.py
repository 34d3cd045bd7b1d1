"""Jobs that act on stored rows. They take ids, load what they need, call nlp/ and the
case services, and commit once at the end. Run by rq on Redis, or inline without Redis."""
