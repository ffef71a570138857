"""Everyday words for medical things, and the words documents use for them.

A patient asks "I'm expecting, can I use it?" or "can it make me bunged up?"; a leaflet says
"pregnancy" and "constipation". The small sentence-embedding model that ranks passages links
many such pairs but misses others, so a question is searched with the document-side words of
any everyday phrase it holds added to it. The table is general patient language, not the
wording of any one document: each entry names an idea that leaflets, labels and letters write
in their own (usually clinical) terms.
"""

from __future__ import annotations

import re

#: (everyday phrasing, as a regular expression; the words documents use for the same idea).
_LAY_TERMS: tuple[tuple[str, str], ...] = (
    (r"pregnant|expecting(?: a baby)?|conceive|conceiving|having a baby", "pregnancy"),
    (r"breast-?feed\w*|nursing", "breastfeeding"),
    (r"\d+[- ](?:year|month|week)s?[- ]old", "children years of age"),
    (r"kids?|toddlers?|infants?", "children"),
    (r"fridge", "refrigerator"),
    (r"freezer|iced over|froze", "frozen freezing"),
    (r"jabs?|shots?|jabbed", "injection"),
    (r"pee|wee|pass(?:ing)? water|urinate", "urinating urine"),
    (r"poo|bowel movements?", "bowel"),
    (r"tummy|belly|gut", "stomach"),
    (r"throw(?:ing)? up|being sick|puke|vomit", "vomiting"),
    (r"bunged up|constipated", "constipation"),
    (r"the runs|runny tummy|loose stools", "diarrhoea"),
    (r"puffed up|puffy|swell(?:ing|ed)? up", "swelling swollen"),
    (r"booze|beer|wine|pint|spirits", "alcohol"),
    (r"behind the wheel|drive|driving", "driving machinery"),
    (r"cardiac|heart attack|heart problems?", "heart"),
    (r"kidneys?", "renal kidney"),
    (r"liver", "hepatic liver"),
    (r"blood sugar|sugar levels?", "glucose"),
    (r"fits?|seizures?", "seizures epilepsy"),
    (r"high blood pressure", "hypertension blood pressure"),
    (r"painkillers?|pain ?relief", "pain reliever analgesic aspirin NSAID"),
    (r"react(?:ed|ion)? badly|bad reaction|allergic|allerg\w*", "allergic reaction allergy"),
    (r"gone off|go off|out of date|expired?|gone bad|goes bad", "expiry shelf life do not use"),
    (r"can'?t sleep|nod off|sleepless|insomnia", "sleeplessness insomnia"),
    (r"drowsy|sleepy", "drowsiness"),
    (r"nightmares?|bad dreams|strange dreams", "vivid dreams trouble sleeping"),
    (r"crush\w*|pulveri[sz]e|grind", "crushed"),
    (r"miss(?:ed)?|skip(?:ped)?|forg[oe]t\w*", "missed dose forget"),
    (r"too many|too much|overdos\w*", "overdose"),
    (r"get rid of|throw (?:it |them )?away|dispos\w*", "disposal throw away"),
    (r"teaspoons?", "5 mL"),
    (r"tablespoons?", "15 mL"),
    (r"burning|heartburn|indigestion", "heartburn acid reflux"),
    (r"periods?", "menstrual"),
    (r"tip|tips", "needle"),
    (r"how often|how far apart|between doses", "every hours interval"),
    (r"feel rough|feel ill", "side effects"),
    (r"who makes|manufacturer|which company", "marketing authorisation holder"),
    (r"eye colou?r|colou?r of my eyes", "iris colour"),
    (r"contacts|lenses", "contact lenses"),
    (r"hot|heat|warm", "temperature"),
    (r"sunny|sunlight|daylight", "light sunlight"),
)
_COMPILED = tuple(
    (re.compile(rf"\b(?:{lay})\b", re.IGNORECASE), words) for lay, words in _LAY_TERMS
)


def document_words(question: str) -> list[str]:
    """The document-side wording of each everyday phrase in `question`, once each, in the
    table's order."""
    return list(dict.fromkeys(words for pattern, words in _COMPILED if pattern.search(question)))


def with_document_words(question: str) -> str:
    """`question` with the document-side words of its everyday phrases after it, in brackets
    ("I'm expecting (pregnancy)"); unchanged when it has none."""
    added = document_words(question)
    return f"{question} ({', '.join(added)})" if added else question
