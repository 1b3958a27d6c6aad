"""1:1 meetings at numbered tables: attendees in the directory ask each other for a slot in the
breaks; on acceptance the lowest free table is theirs. Services in `services`, reads in `selectors`,
pages in `views`; the models live in networking.models."""
