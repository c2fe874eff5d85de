"""Container names Docker generates (``docker run`` without ``--name``): ``adjective_surname``.

A selection from moby's ``pkg/namesgenerator`` (the full lists have about 100
adjectives and 240 surnames). "boring_wozniak" is never generated, as in Docker.
"""

from __future__ import annotations

import random
from collections.abc import Container

ADJECTIVES = (
    "admiring", "adoring", "affectionate", "agitated", "amazing", "angry", "awesome", "beautiful",
    "blissful", "bold", "boring", "brave", "busy", "charming", "clever", "compassionate", "competent",
    "condescending", "confident", "cool", "cranky", "crazy", "dazzling", "determined", "distracted",
    "dreamy", "eager", "ecstatic", "elastic", "elated", "elegant", "eloquent", "epic", "exciting",
    "fervent", "festive", "flamboyant", "focused", "friendly", "frosty", "funny", "gallant", "gifted",
    "goofy", "gracious", "great", "happy", "hardcore", "heuristic", "hopeful", "hungry", "infallible",
    "inspiring", "intelligent", "interesting", "jolly", "jovial", "keen", "kind", "laughing", "loving",
    "lucid", "magical", "modest", "musing", "mystifying", "naughty", "nervous", "nice", "nifty",
    "nostalgic", "objective", "optimistic", "peaceful", "pedantic", "pensive", "practical", "priceless",
    "quirky", "quizzical", "recursing", "relaxed", "reverent", "romantic", "sad", "serene", "sharp",
    "silly", "sleepy", "stoic", "strange", "stupefied", "suspicious", "sweet", "tender", "thirsty",
    "trusting", "unruffled", "upbeat", "vibrant", "vigilant", "vigorous", "wizardly", "wonderful",
    "xenodochial", "youthful", "zealous", "zen",
)
SURNAMES = (
    "agnesi", "albattani", "allen", "almeida", "archimedes", "ardinghelli", "babbage", "banach",
    "bardeen", "bartik", "bassi", "bell", "benz", "bhabha", "bhaskara", "blackwell", "bohr", "booth",
    "borg", "bose", "boyd", "brahmagupta", "brattain", "brown", "carson", "chandrasekhar", "chaplygin",
    "chatelet", "chebyshev", "cohen", "cori", "cray", "curie", "darwin", "davinci", "dijkstra",
    "dubinsky", "easley", "einstein", "elion", "engelbart", "euclid", "euler", "fermat", "fermi",
    "feynman", "franklin", "galileo", "gates", "goldberg", "goldstine", "golick", "goodall", "hamilton",
    "hawking", "heisenberg", "hermann", "hodgkin", "hoover", "hopper", "hugle", "hypatia", "jang",
    "jennings", "jepsen", "joliot", "jones", "kalam", "kapitsa", "keller", "kepler", "khorana",
    "kilby", "kirch", "knuth", "kowalevski", "lalande", "lamarr", "lamport", "leakey", "leavitt",
    "lewin", "lichterman", "liskov", "lovelace", "lumiere", "mahavira", "mayer", "mccarthy",
    "mcclintock", "mclean", "mcnulty", "meitner", "mendel", "mendeleev", "minsky", "mirzakhani",
    "montalcini", "moore", "morse", "napier", "nash", "neumann", "newton", "nightingale", "nobel",
    "noether", "northcutt", "noyce", "panini", "pare", "pasteur", "payne", "perlman", "pike",
    "poincare", "poitras", "ptolemy", "raman", "ramanujan", "ride", "ritchie", "roentgen", "rosalind",
    "saha", "sammet", "shamir", "shannon", "shaw", "shirley", "shockley", "sinoussi", "snyder",
    "spence", "stonebraker", "swanson", "swartz", "swirles", "tesla", "thompson", "torvalds", "turing",
    "varahamihira", "visvesvaraya", "volhard", "wescoff", "wiles", "williams", "wilson", "wing",
    "wozniak", "wright", "yalow", "yonath",
)


def generate(rng: random.Random, taken: Container[str]) -> str:
    """``namesgenerator.GetRandomName``: retry on a clash, then append a digit."""
    retry = 0
    while True:
        name = f"{rng.choice(ADJECTIVES)}_{rng.choice(SURNAMES)}"
        if name == "boring_wozniak":  # Steve Wozniak is not boring
            continue
        if retry > 0:
            name += str(rng.randrange(10))
        if name not in taken:
            return name
        retry += 1
