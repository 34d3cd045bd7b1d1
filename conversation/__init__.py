"""The citizen's side of the conversation: what to do with an inbound message and what
to answer. Uses nlp.intent for parsing, cases.services for every case change."""
