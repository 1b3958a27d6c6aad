"""The demo day: a realistic Dag van de Lokale Democratie to run, show and test the system with.

Everything is keyed on natural keys (slugs, names, labels), so loading it again refreshes the
same rows instead of adding new ones. Demo attendees are made up by a seeded random generator
and registered through `events.services.register`, so their bookings obey capacity and waitlists
like real ones; their e-mail addresses end in `.example` and they are never mailed.

Apart from Jan van Zanen and Chris Kuijpers (who opened Democratie in Actie on the day, see the
seed texts) every person here is invented.
"""

import os
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from events.models import (
    Event,
    Municipality,
    Registration,
    Role,
    Room,
    Round,
    Speaker,
    Theme,
    Workshop,
)
from events.municipalities import load_municipalities
from events.services import register
from networking.models import Offer

TIMEZONE = ZoneInfo("Europe/Amsterdam")
EVENT_DATE = date(2027, 11, 16)  # the day has traditionally been held in mid-November


def local(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=TIMEZONE)


EVENT = {
    "slug": "dag-van-de-lokale-democratie-2027",
    "name": "Dag van de Lokale Democratie 2027",
    "date": EVENT_DATE,
    "venue": "Prodentfabriek",
    "venue_address": "Amersfoort",
    "timezone": "Europe/Amsterdam",
    # Fixed moments, not "now": a second run must leave the event exactly as it was.
    "registration_opens_at": local(date(2026, 9, 1), "08:00"),
    "registration_closes_at": local(date(2027, 11, 12), "23:59"),
    "capacity": 800,
    "contact_email": "info@dagvandelokaledemocratie.example",
}

PLENARY_HALL = "Grote Zaal"

# name, capacity, directions
ROOMS = [
    (PLENARY_HALL, 800, "Begane grond, recht achter de registratiebalie"),
    ("Ketelhuis", 120, "Begane grond, links van de ingang"),
    ("Tubehal", 120, "Begane grond, achter de Grote Zaal"),
    ("Werkplaats", 100, "Eerste verdieping, trap of lift rechts van de garderobe"),
    ("Vullerij", 90, "Begane grond, rechts van de ingang"),
    ("Expeditie", 80, "Begane grond, aan het einde van de gang bij de binnenplaats"),
    ("Laboratorium", 60, "Eerste verdieping, eerste deur links na de lift"),
    ("Kantine", 50, "Eerste verdieping, boven de hoofdingang"),
    ("Directiekamer", 30, "Tweede verdieping, lift of trap bij de hoofdingang"),
    ("Tekenkamer", 25, "Tweede verdieping, naast de Directiekamer"),
]

OPENING = "Plenaire opening"
ROUND_1 = "Workshopronde 1"
ROUND_2 = "Workshopronde 2"
ROUND_3 = "Workshopronde 3"
CLOSING = "Plenaire afsluiting"

# label, kind, starts, ends (on the event date); lunch is 12:00-13:15, coffee 14:15-14:45.
ROUNDS = [
    (OPENING, Round.Kind.PLENARY, "10:00", "10:45"),
    (ROUND_1, Round.Kind.WORKSHOPS, "11:00", "12:00"),
    (ROUND_2, Round.Kind.WORKSHOPS, "13:15", "14:15"),
    (ROUND_3, Round.Kind.WORKSHOPS, "14:45", "15:45"),
    (CLOSING, Round.Kind.PLENARY, "16:00", "16:45"),
]

# name → (role, organisation)
SPEAKERS = {
    # Public figures, named in the seed text as giving the official start of Democratie in Actie.
    "Jan van Zanen": ("voorzitter", "VNG"),
    "Chris Kuijpers": ("directeur-generaal Bestuur, Wonen en Ruimte", "Ministerie van BZK"),
    # Invented people from here on.
    "Marloes Dijkhuis": ("dagvoorzitter", "ProDemos"),
    "Sanne Brouwer": ("kwartiermaker netwerk Lokale Digitale Democratie", "VNG"),
    "Hendrik-Jan Wolters": ("griffier", "Gemeente Zwolle"),
    "Annelies Vermeer": ("raadslid", "Gemeente Deventer"),
    "Ilse Bosman": ("adviseur Democratie in Actie", "VNG"),
    "Kees Brinkman": ("adviseur raadsondersteuning", "NVvR"),
    "Karim Ouali": ("beleidsadviseur participatie", "Gemeente Tilburg"),
    "Gerrit Zandbergen": ("voorzitter bewonerscoöperatie", "Buurtkracht Oosterpark"),
    "Femke Schipper": ("wethouder energietransitie", "Gemeente Apeldoorn"),
    "Ruud Verbeek": ("informatieadviseur griffie", "Gemeente Utrecht"),
    "Noor Hamdi": ("adviseur Democratie in Actie", "VNG"),
    "Bart Willemsen": ("onderzoeker lokale democratie", "ProDemos"),
    "Lotte Kamphuis": ("programmamanager digitale participatie", "Gemeente Amersfoort"),
    "Wouter Feenstra": ("hoofdredacteur", "Lokale Omroep Zuidwest"),
    "Marieke Dorrestijn": ("griffier", "Gemeente Leeuwarden"),
    "Joost Harmsen": ("bestuurslid", "Vereniging van Griffiers"),
    "Esther Oudendijk": ("adviseur integriteit en weerbaarheid", "Ministerie van BZK"),
    "Thijs Roelofs": ("procesbegeleider burgerberaden", "ProDemos"),
    "Hanneke Smeets": ("raadslid", "Gemeente Maastricht"),
    "Erik Zwart": ("adviseur Omgevingswet", "VNG"),
    "Yvonne Lammers": ("griffier", "Gemeente Súdwest-Fryslân"),
    "Daan Koopmans": ("educatief medewerker", "ProDemos"),
    "Ingrid Mol": ("organisatieadviseur", "Gemeente Deventer"),
    "Ahmed Bakkali": ("adviseur Democratie in Actie", "VNG"),
    "Rianne de Leeuw": ("raadslid namens een lokale partij", "Gemeente Oldambt"),
    "Mirjam Pauwels": ("wijkregisseur", "Gemeente Groningen"),
    "Frank Overbeek": ("trainer raadsleden", "NVvR"),
    "Tessa Vlielander": ("wethouder", "Gemeente Zeist"),
    "Rob Meulenbelt": ("trainer politieke ambtsdragers", "NVvR"),
    "Sara el Idrissi": ("adviseur digitale inclusie", "Gemeente Rotterdam"),
    "Jeroen Taal": ("gebiedsmanager", "Gemeente Amersfoort"),
    "Linda Veldhuis": ("onderzoeker", "Ministerie van BZK"),
    "Anouk Stegeman": ("raadslid", "Gemeente Zwolle"),
}


@dataclass(frozen=True)
class Session:
    title: str
    description: str
    room: str
    capacity: int
    speakers: tuple[str, ...]
    theme: str = ""  # plenary sessions have no theme

    @property
    def slug(self) -> str:
        return slugify(self.title)[:80].strip("-")


PLENARY_SESSIONS = {
    OPENING: Session(
        title="Opening: startsein voor Democratie in Actie",
        description=(
            "Dagvoorzitter Marloes Dijkhuis heet raadsleden, bestuurders, griffiers en ambtenaren "
            "welkom in de Prodentfabriek. Jan van Zanen (voorzitter VNG) en Chris Kuijpers "
            "(DG Bestuur, Wonen en Ruimte, BZK) geven het officiële startsein voor het "
            "samenwerkingsprogramma Democratie in Actie. Zij vertellen wat het programma de "
            "komende drie jaar voor gemeenten gaat doen."
        ),
        room=PLENARY_HALL,
        capacity=800,
        speakers=("Marloes Dijkhuis", "Jan van Zanen", "Chris Kuijpers"),
    ),
    CLOSING: Session(
        title="Afsluiting: lancering van het netwerk Lokale Digitale Democratie",
        description=(
            "De dag sluit af met de lancering van het netwerk Lokale Digitale Democratie. Het "
            "netwerk werkt aan een inclusieve en veilige lokale digitale democratie; de partners "
            "werken per thema samen, in wisselende coalities. Gemeenten kunnen zich vandaag bij "
            "het netwerk aansluiten. Daarna is er een borrel in de Tubehal."
        ),
        room=PLENARY_HALL,
        capacity=800,
        speakers=("Marloes Dijkhuis", "Sanne Brouwer"),
    ),
}

WORKSHOPS = {
    ROUND_1: [
        Session(
            title="De raad aan zet: positionering van de gemeenteraad",
            theme=Theme.STRONG_COUNCIL,
            room="Ketelhuis",
            capacity=120,
            speakers=("Hendrik-Jan Wolters", "Annelies Vermeer"),
            description=(
                "Veel raden voelen dat het college en de ambtelijke organisatie het tempo bepalen. "
                "Hoe neemt de raad zijn kaderstellende en controlerende rol weer in handen? Een "
                "griffier en een raadslid laten zien hoe hun raad de eigen agenda opstelde en wat "
                "dat opleverde."
            ),
        ),
        Session(
            title="Opleidingsbudget voor raadsleden: zo maak je er werk van",
            theme=Theme.OFFICE_HOLDERS,
            room="Directiekamer",
            capacity=30,
            speakers=("Ilse Bosman", "Kees Brinkman"),
            description=(
                "Twintig gemeenteraden krijgen vanuit Democratie in Actie begeleiding op maat bij "
                "de ondersteuning van de raad. In deze kleine sessie bespreken we hoe een "
                "individueel opleidingsbudget voor raadsleden werkt, wat het kost en hoe u "
                "voorkomt dat het ongebruikt blijft."
            ),
        ),
        Session(
            title="Right to Challenge: inwoners nemen taken over",
            theme=Theme.ENGAGING_RESIDENTS,
            room="Tubehal",
            capacity=120,
            speakers=("Karim Ouali", "Gerrit Zandbergen"),
            description=(
                "Met het Right to Challenge kunnen inwoners een taak van de gemeente overnemen als "
                "zij die beter of goedkoper kunnen uitvoeren. Het aantal gemeenten dat ermee werkt "
                "moet verdubbelen. Een beleidsadviseur en een bewonerscoöperatie vertellen wat er "
                "nodig is, van de eerste uitdaging tot het raadsbesluit."
            ),
        ),
        Session(
            title="Aardgasvrije wijken: de buurt beslist mee",
            theme=Theme.TASK_AND_AREA,
            room="Werkplaats",
            capacity=90,
            speakers=("Femke Schipper",),
            description=(
                "Inwoners willen over de energietransitie in hun wijk niet alleen meepraten, maar "
                "ook meedoen. Wat leren de proeftuinen Aardgasvrije wijken over de rol van de raad "
                "en over het betrekken van bewoners? Met voorbeelden van wijkplannen die samen met "
                "de buurt zijn gemaakt."
            ),
        ),
        Session(
            title="Transparant lokaal bestuur: open data en begrijpelijke raadsstukken",
            theme=Theme.CITIZENSHIP,
            room="Laboratorium",
            capacity=60,
            speakers=("Ruud Verbeek",),
            description=(
                "Wie wil weten wat de gemeente besluit, verdwaalt vaak in pdf's en vergaderstukken. "
                "Deze workshop laat zien hoe griffies raadsinformatie als open data publiceren en "
                "raadsvoorstellen in begrijpelijke taal schrijven. U gaat aan de slag met een "
                "voorstel uit uw eigen gemeente."
            ),
        ),
        Session(
            title="Quick Scan Lokale Democratie: het startpunt voor uw gemeente",
            theme=Theme.SCALING_UP,
            room="Vullerij",
            capacity=80,
            speakers=("Noor Hamdi", "Bart Willemsen"),
            description=(
                "Hoe staat het met de democratie in uw gemeente? De Quick Scan Lokale Democratie "
                "brengt het in kaart en geeft een startpunt voor maatregelen. De eerste 50 "
                "gemeenten doen de scan gratis, met ondersteuning van de adviseurs van het "
                "programma. We lopen de vragen samen door."
            ),
        ),
        Session(
            title="Digitale participatie die werkt: van online peiling tot burgerbegroting",
            theme=Theme.ENGAGING_RESIDENTS,
            room="Tekenkamer",
            capacity=25,
            speakers=("Lotte Kamphuis",),
            description=(
                "Online meedenken kan veel meer inwoners bereiken dan een inloopavond, maar alleen "
                "als het goed is opgezet. Welke digitale participatievormen werken, en wat doet de "
                "raad met de uitkomst? Een praktijksessie in een kleine groep, met de "
                "ervaringen van een gemeente met een digitale burgerbegroting."
            ),
        ),
        Session(
            title="Regionale media onder druk: wie controleert het lokaal bestuur?",
            theme=Theme.CITIZENSHIP,
            room="Kantine",
            capacity=45,
            speakers=("Wouter Feenstra", "Anouk Stegeman"),
            description=(
                "In steeds meer gemeenten zit geen journalist meer op de perstribune. Wat betekent "
                "dat voor de controle op het lokaal bestuur en voor de kennis van inwoners? Een "
                "hoofdredacteur van een lokale omroep en een raadslid over wat gemeenten kunnen "
                "doen om regionale en lokale media te versterken, zonder hun onafhankelijkheid aan "
                "te tasten."
            ),
        ),
    ],
    ROUND_2: [
        Session(
            title="Griffie en raad: samen sterker in de ondersteuning van de raad",
            theme=Theme.STRONG_COUNCIL,
            room="Vullerij",
            capacity=90,
            speakers=("Marieke Dorrestijn", "Joost Harmsen"),
            description=(
                "Een goede ondersteuning van de raad is meer dan een volle griffie. Welke "
                "ondersteuning hebben fracties en raadsleden echt nodig, en hoe organiseert u die? "
                "Griffiers delen wat in hun gemeenten werkte, van fractieondersteuning tot "
                "onderzoeksbudget."
            ),
        ),
        Session(
            title="Integriteit en weerbaarheid van politieke ambtsdragers",
            theme=Theme.OFFICE_HOLDERS,
            room="Werkplaats",
            capacity=100,
            speakers=("Esther Oudendijk",),
            description=(
                "Raadsleden, wethouders en burgemeesters krijgen vaker te maken met intimidatie en "
                "bedreiging, online en op straat. Hoe zorgt u voor elkaar, en wat kunt u als "
                "gemeente vooraf regelen? Een sessie over zorg voor en ondersteuning van politieke "
                "ambtsdragers."
            ),
        ),
        Session(
            title="Loting en burgerberaad: inwoners aan tafel bij lastige keuzes",
            theme=Theme.ENGAGING_RESIDENTS,
            room="Ketelhuis",
            capacity=120,
            speakers=("Thijs Roelofs", "Hanneke Smeets"),
            description=(
                "Een burgerberaad van gelote inwoners geeft de raad advies over een vraagstuk waar "
                "de politiek zelf niet uitkomt. Hoe stelt u de vraag, wie loot u uit, en hoe "
                "voorkomt u teleurstelling als de raad het advies niet helemaal volgt? Met lessen "
                "uit recente burgerberaden."
            ),
        ),
        Session(
            title="De Omgevingswet en participatie: wat vraagt dit van de raad?",
            theme=Theme.TASK_AND_AREA,
            room="Tubehal",
            capacity=120,
            speakers=("Erik Zwart", "Yvonne Lammers"),
            description=(
                "Een bouwproject starten onder de Omgevingswet vraagt om participatie vooraf. De "
                "raad stelt de kaders, maar wie bewaakt of inwoners echt zijn gehoord? We bespreken "
                "het participatiebeleid en de rol van de raad bij omgevingsplan en "
                "omgevingsvisie."
            ),
        ),
        Session(
            title="Democratisch burgerschap: jongeren en de gemeenteraad",
            theme=Theme.CITIZENSHIP,
            room="Kantine",
            capacity=40,
            speakers=("Daan Koopmans",),
            description=(
                "Veel jongeren weten niet wat de gemeenteraad doet, en de raad weet niet wat "
                "jongeren bezighoudt. Hoe brengt u ze bij elkaar, in de klas, in het raadhuis of "
                "online? U probeert een lesprogramma uit en neemt ideeën mee voor uw eigen "
                "gemeente."
            ),
        ),
        Session(
            title="Ontwikkeltraject: van gemeente naar gemeenschap",
            theme=Theme.SCALING_UP,
            room="Tekenkamer",
            capacity=25,
            speakers=("Ingrid Mol", "Ahmed Bakkali"),
            description=(
                "Hoe leert een gemeentelijke organisatie omgaan met de veranderende verhouding "
                "tussen gemeente en gemeenschap? Democratie in Actie ondersteunt tien gemeenten in "
                "een ontwikkeltraject. In deze kleine sessie hoort u wat zo'n traject inhoudt en "
                "of het bij uw organisatie past."
            ),
        ),
        Session(
            title="Lokale politieke partijen: een netwerk om op te bouwen",
            theme=Theme.OFFICE_HOLDERS,
            room="Laboratorium",
            capacity=55,
            speakers=("Rianne de Leeuw", "Kees Brinkman"),
            description=(
                "Lokale partijen zijn in veel gemeenten de grootste, maar missen de steun van een "
                "landelijke partij bij scholing en het werven van kandidaten. Er komt een netwerk "
                "voor de ondersteuning van lokale politieke partijen. Wat moet dat netwerk bieden? "
                "Denk mee."
            ),
        ),
        Session(
            title="Energietransitie in de wijk: gebiedsgericht werken met inwoners",
            theme=Theme.TASK_AND_AREA,
            room="Expeditie",
            capacity=70,
            speakers=("Mirjam Pauwels",),
            description=(
                "Maatschappelijke opgaven zoals de energietransitie houden zich niet aan "
                "afdelingen. Een wijkregisseur vertelt hoe haar gemeente per wijk werkt, met één "
                "aanspreekpunt voor bewoners. Wat vraagt dat van ambtenaren, college en raad?"
            ),
        ),
    ],
    ROUND_3: [
        Session(
            title="Sturen op hoofdlijnen: de kaderstellende rol van de raad",
            theme=Theme.STRONG_COUNCIL,
            room="Werkplaats",
            capacity=100,
            speakers=("Frank Overbeek",),
            description=(
                "Raadsleden worden overspoeld met stukken en details, terwijl de grote keuzes "
                "ongemerkt voorbijgaan. In deze workshop oefent u met het formuleren van heldere "
                "kaders in een raadsvoorstel. U neemt een checklist mee voor de volgende "
                "begrotingsbehandeling."
            ),
        ),
        Session(
            title="Burgemeester, wethouder en raad: wie doet wat?",
            theme=Theme.OFFICE_HOLDERS,
            room="Vullerij",
            capacity=80,
            speakers=("Tessa Vlielander", "Rob Meulenbelt"),
            description=(
                "Het dualisme is al jaren wet, maar de rollen lopen in de praktijk vaak door "
                "elkaar. Aan de hand van herkenbare situaties uit de raadszaal bespreken een "
                "wethouder en een trainer waar de grenzen liggen, en hoe u elkaar daarop "
                "aanspreekt."
            ),
        ),
        Session(
            title="Inclusieve digitale democratie: iedereen doet mee",
            theme=Theme.ENGAGING_RESIDENTS,
            room="Laboratorium",
            capacity=60,
            speakers=("Sara el Idrissi", "Sanne Brouwer"),
            description=(
                "Digitale participatie bereikt nieuwe groepen, maar sluit ook mensen uit die minder "
                "digitaal vaardig zijn. Hoe maakt u het veilig en toegankelijk voor iedereen? Een "
                "voorproefje van het werk van het netwerk Lokale Digitale Democratie."
            ),
        ),
        Session(
            title="Wijkgericht werken: de opgave centraal, niet de organisatie",
            theme=Theme.TASK_AND_AREA,
            room="Expeditie",
            capacity=75,
            speakers=("Jeroen Taal",),
            description=(
                "Werken vanuit de opgave in een gebied betekent over de muren van afdelingen heen "
                "kijken. Een gebiedsmanager laat zien hoe zijn gemeente budget en "
                "beslissingsruimte naar de wijk bracht. Wat blijft er dan over voor de raad om te "
                "beslissen?"
            ),
        ),
        Session(
            title="Open raadsinformatie: vergaderen in het zicht van inwoners",
            theme=Theme.CITIZENSHIP,
            room="Kantine",
            capacity=50,
            speakers=("Ruud Verbeek", "Marieke Dorrestijn"),
            description=(
                "Livestreams, open agenda's en doorzoekbare besluiten maken de raad zichtbaar. "
                "Maar wordt het bestuur daarmee ook begrijpelijker voor inwoners? Twee griffies "
                "vergelijken hun aanpak en wat inwoners ervan vinden."
            ),
        ),
        Session(
            title="Van pilot naar praktijk: succesvolle experimenten opschalen",
            theme=Theme.SCALING_UP,
            room="Ketelhuis",
            capacity=120,
            speakers=("Noor Hamdi", "Linda Veldhuis"),
            description=(
                "Gemeenten experimenteren volop met pilots en proeftuinen, maar na de evaluatie "
                "blijft het vaak stil. Hoe deelt u kennis en ervaringen zo dat andere gemeenten "
                "ermee verder kunnen? Over evaluatie, kennisdeling en het opschalen van wat werkt."
            ),
        ),
        Session(
            title="Helpdesk democratische innovatie: vraag het de adviseurs",
            theme=Theme.SCALING_UP,
            room="Directiekamer",
            capacity=28,
            speakers=("Ahmed Bakkali", "Ilse Bosman"),
            description=(
                "Er komt een helpdesk voor decentrale overheden met vragen over democratische en "
                "bestuurlijke innovatie. In dit spreekuur leggen deelnemers hun eigen vraag voor "
                "aan de adviseurs van Democratie in Actie. Neem een concrete casus mee."
            ),
        ),
        Session(
            title="Inwonersinitiatieven serieus nemen: van idee tot raadsbesluit",
            theme=Theme.ENGAGING_RESIDENTS,
            room="Tubehal",
            capacity=110,
            speakers=("Karim Ouali", "Anouk Stegeman"),
            description=(
                "Inwoners komen met goede ideeën, maar lopen vast in procedures en loketten. Hoe "
                "zorgt u dat een initiatief een eerlijke kans krijgt en dat de raad er op tijd "
                "over beslist? Met het verhaal van een buurtinitiatief dat het haalde, en een dat "
                "strandde."
            ),
        ),
    ],
}

# slug, title, places (None: unlimited), description — see DESIGN.md §1 and the seed text.
OFFERS = [
    (
        "netwerk-digitale-democratie",
        "Netwerk Lokale Digitale Democratie",
        None,
        "Sluit uw gemeente aan bij het netwerk Lokale Digitale Democratie. Het netwerk werkt aan een "
        "inclusieve en veilige lokale digitale democratie. De partners werken per thema samen, in "
        "wisselende coalities, en worden ondersteund in het leerproces en bij het opschalen van "
        "succesvolle praktijken.",
    ),
    (
        "quick-scan",
        "Quick Scan Lokale Democratie",
        50,
        "Breng in kaart hoe het staat met de democratie in uw gemeente. De scan levert een beeld op "
        "dat kan dienen als startpunt voor maatregelen om de lokale democratie te versterken. De "
        "eerste 50 gemeenten die zich melden, doen de scan gratis en met ondersteuning van de "
        "adviseurs van Democratie in Actie.",
    ),
    (
        "ontwikkeltraject",
        "Ontwikkeltraject voor de gemeentelijke organisatie",
        10,
        "Tien gemeenten krijgen ondersteuning bij een specifieke vraag in hun "
        "organisatieontwikkeling. Bijvoorbeeld: hoe leert de gemeentelijke organisatie omgaan met de "
        "veranderende verhouding tussen gemeente en gemeenschap, op weg naar een nieuw democratisch "
        "samenspel?",
    ),
    (
        "raadsondersteuning",
        "Ondersteuning van de raad op maat",
        20,
        "Twintig gemeenteraden krijgen begeleiding op maat bij het verbeteren van de ondersteuning "
        "van de raad, bijvoorbeeld met een individueel opleidingsbudget voor raadsleden. Per gemeente "
        "wordt incidenteel een extra opleidings- en ondersteuningsbudget beschikbaar gesteld.",
    ),
]

STAFF_USERNAME = "organisator"
DEFAULT_STAFF_PASSWORD = "lokaledemocratie"  # noqa: S105 - a demo login, overridable by DEMO_PASSWORD


# --- Demo attendees -------------------------------------------------------------------------

# fmt: off
FIRST_NAMES = [
    "Anna", "Annemieke", "Anouk", "Bas", "Bram", "Carla", "Chantal", "Daan", "Dennis", "Dirk",
    "Eline", "Els", "Emre", "Erik", "Esther", "Fatima", "Femke", "Frank", "Gerard", "Gert-Jan",
    "Hanna", "Hans", "Henk", "Ilse", "Inge", "Jan", "Jasper", "Jeroen", "Joke", "Joost", "Karin",
    "Kees", "Koen", "Laura", "Lieke", "Linda", "Lisa", "Lotte", "Maarten", "Marieke", "Mark",
    "Marloes", "Martijn", "Meryem", "Mohamed", "Nadia", "Niels", "Noor", "Pieter", "Priya", "Rik",
    "Rob", "Ruben", "Sander", "Sanne", "Sara", "Sietske", "Sjoerd", "Thijs", "Tim", "Tjitske",
    "Ton", "Wendy", "Willem", "Wim", "Yasmina", "Youssef", "Yvonne",
]
# With their tussenvoegsels, as Dutch names are written after a first name ("Jan van der Meer").
LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
    "van den Broek", "de Bruijn", "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet",
    "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins",
    "Blom", "Huisman", "de Lange", "Kuipers", "van Wijk", "Postma", "Kramer", "Boersma", "Veenstra",
    "ten Brink", "te Velde", "in 't Veld", "van 't Hof", "Yilmaz", "El Amrani", "Bouzid", "Öztürk",
    "Haverkamp", "Wolters", "Zijlstra", "Nijland",
]
# fmt: on

# How often each role comes to a day like this (relative weights).
ROLE_WEIGHTS = {
    Role.COUNCILLOR: 32,
    Role.COMMITTEE_MEMBER: 6,
    Role.ALDERMAN: 10,
    Role.MAYOR: 3,
    Role.CLERK: 14,
    Role.MUNICIPAL_SECRETARY: 4,
    Role.CIVIL_SERVANT: 28,
    Role.OTHER: 3,
}
# Attendees not from a municipality: organisation and its e-mail domain.
ORGANISATIONS = [
    ("VNG", "vng"),
    ("ProDemos", "prodemos"),
    ("Ministerie van BZK", "minbzk"),
    ("NVvR", "raadsleden"),
    ("Vereniging van Griffiers", "griffiers"),
    ("Nederlands Genootschap van Burgemeesters", "burgemeesters"),
]
# A municipality has one mayor, one secretary and one clerk; a second one is made a council member.
SINGLE_OFFICE_ROLES = {Role.MAYOR, Role.MUNICIPAL_SECRETARY, Role.CLERK}
NEEDS = ["Vegetarisch", "Glutenvrij", "Rolstoeltoegankelijke plek", "Ringleiding", "Veganistisch"]

ORGANISATION_SHARE = 0.10
DIRECTORY_OPT_IN_SHARE = 0.30
NEEDS_SHARE = 0.08
NO_WORKSHOP_SHARE = 0.10  # per round: some take a walk, or only come for the plenary sessions
DEMO_EMAIL_DOMAIN_SUFFIX = ".example"
RANDOM_SEED = "dag-van-de-lokale-democratie-demo"


@dataclass(frozen=True)
class Summary:
    municipalities: int
    rooms: int
    rounds: int
    sessions: int
    workshops: int
    offers: int
    staff_created: bool


def seed_day() -> tuple[Event, Summary]:
    """Create or refresh the event, its rooms, rounds, sessions, speakers and offers."""
    load_municipalities()
    with transaction.atomic():
        slug = EVENT["slug"]
        event, _ = Event.objects.update_or_create(
            slug=slug, defaults={k: v for k, v in EVENT.items() if k != "slug"}
        )
        rooms = {
            name: Room.objects.update_or_create(
                event=event, name=name, defaults={"capacity": capacity, "directions": directions}
            )[0]
            for name, capacity, directions in ROOMS
        }
        rounds = {
            label: Round.objects.update_or_create(
                event=event,
                label=label,
                defaults={
                    "kind": kind,
                    "starts_at": local(EVENT_DATE, starts),
                    "ends_at": local(EVENT_DATE, ends),
                },
            )[0]
            for label, kind, starts, ends in ROUNDS
        }
        speakers = {
            name: Speaker.objects.update_or_create(
                event=event, name=name, defaults={"role": role, "organisation": organisation}
            )[0]
            for name, (role, organisation) in SPEAKERS.items()
        }
        sessions = list(PLENARY_SESSIONS.items())
        sessions += [(label, session) for label, workshops in WORKSHOPS.items() for session in workshops]
        for label, session in sessions:
            _seed_session(event, rounds[label], rooms[session.room], session, speakers)
        for position, (offer_slug, title, places, description) in enumerate(OFFERS, start=1):
            Offer.objects.update_or_create(
                event=event,
                slug=offer_slug,
                defaults={"title": title, "description": description, "places": places, "position": position},
            )
        staff_created = _ensure_staff_user()
    return event, Summary(
        municipalities=Municipality.objects.count(),
        rooms=len(rooms),
        rounds=len(rounds),
        sessions=len(sessions),
        workshops=sum(len(workshops) for workshops in WORKSHOPS.values()),
        offers=len(OFFERS),
        staff_created=staff_created,
    )


def _seed_session(
    event: Event, round_: Round, room: Room, session: Session, speakers: dict[str, Speaker]
) -> None:
    """Create the session, or refresh its texts; keyed by slug within the event.

    Room, round and capacity are what organisers change on the day (PATCH workshops/{id}), so a
    rerun (every `make run`) sets them only on creation: it must not undo a move, and moving a
    workshop back could collide with the one-workshop-per-room-and-round constraint.
    """
    content = {"title": session.title, "description": session.description, "theme": session.theme}
    workshop = Workshop.objects.filter(round__event=event, slug=session.slug).first()
    if workshop is None:
        workshop = Workshop.objects.create(
            slug=session.slug, round=round_, room=room, capacity=session.capacity, **content
        )
    else:
        changed = [field for field, value in content.items() if getattr(workshop, field) != value]
        if changed:
            # A changed text is news for calendars that imported it: bump the iCalendar SEQUENCE.
            Workshop.objects.filter(pk=workshop.pk).update(
                sequence=F("sequence") + 1, updated_at=timezone.now(), **content
            )
    workshop.speakers.set([speakers[name] for name in session.speakers])


def _ensure_staff_user() -> bool:
    """An organiser login for the demo, unless somebody already has staff access."""
    user_model = get_user_model()
    if user_model.objects.filter(is_staff=True).exists():
        return False
    user_model.objects.create_superuser(
        username=STAFF_USERNAME,
        email="organisator@dagvandelokaledemocratie.example",
        password=os.environ.get("DEMO_PASSWORD") or DEFAULT_STAFF_PASSWORD,
    )
    return True


TALK_ABOUT = [
    "Hoe betrekken we jongeren bij de gemeenteraad?",
    "Ervaringen met een burgerberaad",
    "Digitaal raadsinformatiesysteem vernieuwen",
    "Right to Challenge in kleine kernen",
    "Opleidingsbudget voor raadsleden: hoe verdeel je het?",
    "Participatie bij de Omgevingswet",
    "Lokale media en transparant bestuur",
    "Samenwerking griffie en ambtelijke organisatie",
    "Aardgasvrije wijk: wie beslist er mee?",
    "Integriteit en veiligheid van politieke ambtsdragers",
]


@dataclass(frozen=True)
class DemoPerson:
    first_name: str
    last_name: str
    email: str
    role: str
    municipality: Municipality | None
    organisation: str
    needs: str
    directory_opt_in: bool
    interests: tuple[str, ...]
    talk_about: str
    workshops: tuple[Workshop, ...]


def demo_person(number: int, municipalities: list[Municipality], rounds: list[list[Workshop]]) -> DemoPerson:
    """Demo attendee `number` (1, 2, …): the same person every time, whatever else exists."""
    # One generator per person, so person 17 does not change when the list is made longer.
    rng = random.Random(f"{RANDOM_SEED}:{number}")
    first_name = rng.choice(FIRST_NAMES)
    last_name = rng.choice(LAST_NAMES)
    if rng.random() < ORGANISATION_SHARE:
        organisation, domain = rng.choice(ORGANISATIONS)
        municipality = None
        role = rng.choices([Role.OTHER, Role.CIVIL_SERVANT], weights=[7, 3])[0]
    else:
        organisation = ""
        municipality = rng.choice(municipalities)
        domain = slugify(municipality.name)
        role = rng.choices(list(ROLE_WEIGHTS), weights=list(ROLE_WEIGHTS.values()))[0]
    local_part = f"{slugify(first_name)}.{slugify(last_name).replace('-', '')}.{number}"
    needs = rng.choice(NEEDS) if rng.random() < NEEDS_SHARE else ""
    directory_opt_in = rng.random() < DIRECTORY_OPT_IN_SHARE
    chosen = []
    for workshops in rounds:
        if rng.random() < NO_WORKSHOP_SHARE:
            continue
        # Bigger rooms draw more people, but less than in proportion: the small ones fill up.
        chosen.append(rng.choices(workshops, weights=[workshop.capacity + 30 for workshop in workshops])[0])
    # Drawn last, so that everything drawn before stays the same person.
    interests = tuple(sorted(rng.sample(Theme.values, rng.randint(1, 3)))) if directory_opt_in else ()
    talk_about = rng.choice(TALK_ABOUT) if directory_opt_in else ""
    return DemoPerson(
        first_name=first_name,
        last_name=last_name,
        email=f"{local_part}@{domain}{DEMO_EMAIL_DOMAIN_SUFFIX}",
        role=role,
        municipality=municipality,
        organisation=organisation,
        needs=needs,
        directory_opt_in=directory_opt_in,
        interests=interests,
        talk_about=talk_about,
        workshops=tuple(chosen),
    )


def demo_registrations(event: Event):
    return Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED, email__iendswith=DEMO_EMAIL_DOMAIN_SUFFIX
    )


def seed_attendees(event: Event, count: int) -> int:
    """Make sure `count` demo attendees are registered. Returns how many were added.

    They are registered through the real service (capacity and waitlists are real), as an
    organiser would import them: outside the registration window and without e-mail.
    """
    missing = count - demo_registrations(event).count()
    if missing <= 0:
        return 0
    municipalities = list(Municipality.objects.order_by("code"))
    rounds = [
        list(Workshop.objects.filter(round=round_, status=Workshop.Status.SCHEDULED).order_by("slug"))
        for round_ in event.rounds.filter(kind=Round.Kind.WORKSHOPS).order_by("starts_at")
    ]
    rounds = [workshops for workshops in rounds if workshops]
    taken = {
        email.lower() for email in Registration.objects.filter(event=event).values_list("email", flat=True)
    }
    offices_filled = set(
        demo_registrations(event)
        .filter(role__in=SINGLE_OFFICE_ROLES, municipality__isnull=False)
        .values_list("municipality_id", "role")
    )
    added = 0
    number = 0
    while added < missing:
        number += 1
        person = demo_person(number, municipalities, rounds)
        if person.email in taken:
            continue
        if person.municipality and person.role in SINGLE_OFFICE_ROLES:
            office = (person.municipality.pk, person.role)
            if office in offices_filled:
                person = replace(person, role=Role.COUNCILLOR)
            offices_filled.add(office)
        # Imported by the organisers, so neither the registration window nor e-mail applies.
        register(
            event=event,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            role=person.role,
            municipality=person.municipality,
            organisation=person.organisation,
            needs=person.needs,
            directory_opt_in=person.directory_opt_in,
            interests=person.interests,
            talk_about=person.talk_about,
            workshops=person.workshops,
            by_organiser=True,
            send_confirmation=False,
        )
        taken.add(person.email)
        added += 1
    return added
