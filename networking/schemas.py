from ninja import Schema


class OfferOut(Schema):
    slug: str
    title: str
    description: str
    places: int | None
    taken: int
    waitlisted: int
    places_left: int | None
