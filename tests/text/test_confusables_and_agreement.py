"""Confusable words read from their neighbours, subject-verb agreement, and the domain words and
names the spelling check leaves alone."""

from __future__ import annotations

import pytest

from actionvault.text.proofreading import default_proofreader


def found(text: str, category: str) -> list[tuple[str, str]]:
    return [
        (e.text, e.suggestion) for e in default_proofreader().check(text).errors
        if e.category == category
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Remember that its vital to finish the course.", [("its", "it's")]),
        ("Their are two strengths of the tablet.", [("Their", "There")]),
        ("Nurses can explain the results at there clinic.", [("there", "their")]),
        ("Speak to you're pharmacist first.", [("you're", "your")]),
        ("Ask the nurse weather your vaccine is due.", [("weather", "whether")]),
        ("Low sodium can effect how well you think.", [("effect", "affect")]),
        ("Psoriasis effects about 3% of people.", [("effects", "affects")]),
        ("Bruising was more frequent with the gel then with the cream.", [("then", "than")]),
        ("Some people may loose their appetite.", [("loose", "lose")]),
        ("Follow the principals of good prescribing.", [("principals", "principles")]),
        ("Ask your pharmacist for advise before travelling.", [("advise", "advice")]),
        ("Let out a breathe, then press the canister.", [("breathe", "breath")]),
        ("You should of taken the last dose yesterday.", [("of", "have")]),
        ("If your not sure, ask your pharmacist.", [("your", "you're")]),
        ("Your welcome to call the helpline.", [("Your", "You're")]),
        ("Give the tablets to they're carer.", [("they're", "their")]),
        ("Patients who's kidneys are weak need a lower dose.", [("who's", "whose")]),
        ("Wash your hands and than apply the gel.", [("than", "then")]),
        ("The trial was lead by two hospitals.", [("lead", "led")]),
        ("Do not use a pen that has past its expiry date.", [("past", "passed")]),
        ("The cream dose not stain clothes.", [("dose", "does")]),
        ("Take a does of 5 mL.", [("does", "dose")]),
        ("Keep the pen away form the heat.", [("form", "from")]),
        ("Men with an enlarged prostrate should see a doctor.", [("prostrate", "prostate")]),
        ("The principle investigator signed the report.", [("principle", "principal")]),
        ("The app compliments your current treatment.", [("compliments", "complements")]),
        ("Rinse out a lose filling at once.", [("lose", "loose")]),
        ("Sit upright if you cannot breath.", [("breath", "breathe")]),
        ("Report any side affects of the vaccine.", [("affects", "effects")]),
        ("Its a good idea to rest.", [("Its", "It's")]),
        ("The agency has accepted it's application.", [("it's", "its")]),
        ("There are to many side effects.", [("to", "too")]),
        ("Please except our apologies.", [("except", "accept")]),
        ("Wash your hands. Than take the second dose.", [("Than", "Then")]),
        ("Lay down if you feel dizzy.", [("Lay", "Lie")]),
        ("Doctors advice patients to rest.", [("advice", "advise")]),
        ("Breath slowly and deeply.", [("Breath", "Breathe")]),
        ("Their will be a short delay.", [("Their", "There")]),
        ("Do not take to much paracetamol.", [("to", "too")]),
        ("The dose is to high for children.", [("to", "too")]),
        ("Were can I get a leaflet?", [("Were", "Where")]),
        ("We where told to stop.", [("where", "were")]),
        ("Avoid the pen in hot whether.", [("whether", "weather")]),
        ("Lay down for ten minutes after the dose.", [("Lay", "Lie")]),
        ("The effect is dependant on the dose.", [("dependant", "dependent")]),
        ("The vaccine may illicit a response.", [("illicit", "elicit")]),
        ("Pharmacists should council patients.", [("council", "counsel")]),
        ("Put the devise in its case.", [("devise", "device")]),
        ("Report averse events to us.", [("averse", "adverse")]),
        ("Some patients notice heart palpations.", [("palpations", "palpitations")]),
        ("You may loss some hair.", [("loss", "lose")]),
        ("Change the injection sight each time.", [("sight", "site")]),
        ("Pain at the injection cite is common.", [("cite", "site")]),
        ("Clean the mouthpiece once a weak.", [("weak", "week")]),
        ("It may cause a sever allergic reaction.", [("sever", "severe")]),
        ("The scan showed a liver with know dilatation.", [("know", "no")]),
        ("Use a knew needle for each injection.", [("knew", "new")]),
        ("Each pen gives a single does of 300 micrograms.", [("does", "dose")]),
        ("How often dose migraine keep you at home?", [("dose", "does")]),
        ("In a study of 56 patience, responses were similar.", [("patience", "patients")]),
        ("Withdrawals for adverse events where similar between arms.", [("where", "were")]),
        ("The agency has excepted the application.", [("excepted", "accepted")]),
        ("Ask for a discrete chat with the pharmacist.", [("discrete", "discreet")]),
        ("Tell us if you have kidney problems, of if you are pregnant.", [("of", "or")]),
        ("Please mention were you have travelled.", [("were", "where")]),
        ("Please advice your patients to eat first.", [("advice", "advise")]),
        ("Food has a large affect on absorption.", [("affect", "effect")]),
        ("If you keep loosing sleep, see your doctor.", [("loosing", "losing")]),
        ("Tell your doctor if your pregnant.", [("your", "you're")]),
        (
            "It had a lower risk of death or admission then those on placebo.",
            [("then", "than")],
        ),
        ("Wait so that it's contents reach room temperature.", [("it's", "its")]),
        ("Your doctor may need to change there dose.", [("there", "their")]),
        ("The limits were to strict.", [("to", "too")]),
        ("Doses that are to little or too large do not work.", [("to", "too")]),
        ("Use the larger pen if its supported, otherwise the smaller.", [("its", "it's")]),
        ("Call us, as its now easy to order online.", [("its", "it's")]),
        ("You may of noticed a change.", [("of", "have")]),
        ("It could of caused the rash.", [("of", "have")]),
        ("If the test is positive, than treatment starts at once.", [("than", "then")]),
        ("Some tablets where not coated.", [("where", "were")]),
        ("Keep a note of the places were you had a reaction.", [("were", "where")]),
        ("We except returns within 30 days.", [("except", "accept")]),
        ("Food shouldn't effect how it works.", [("effect", "affect")]),
        ("The change takes affect at once.", [("affect", "effect")]),
        ("The script handles each version and all there clusters.", [("there", "their")]),
        ("Use the tool to install you're keys.", [("you're", "your")]),
        ("Numerous bugs where uncovered in testing.", [("where", "were")]),
        ("The images made back than were blurred.", [("than", "then")]),
        ("There are still to many steps.", [("to", "too")]),
    ],
)
def test_a_confusable_word_is_flagged_where_the_other_word_fits(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(text, "confusable") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Its safety was studied in 400 adults, and its effects lasted a week.",
        "There is no need to fast, and their doctor will go there with them.",
        "He has a weak heart; the signal was weak before the change.",
        "Surgeons may sever the nerve. Have patience with the new routine.",
        "I know that you know how it works, and she knew the answer.",
        "It does not matter what dose you take; the pen does the rest.",
        "Use the pen where needed, in countries where approved.",
        "The data are discrete values. Whatever you ask, tell us where you live.",
        "Go there today and stay there; we went there first.",
        "I think it's water that matters, and if it's raining, stay in.",
        "If she were taller, she would reach it; it is, as it were, a test.",
        "When writing an encrypted key do not add text. Following the visit patients are seen.",
        "The will has been read. There is no doubt patients are helped.",
        "Change it from high to low. I want to. The tool and its related files.",
        "In May of 2020 it rained; the will of the people; a can of worms.",
        "If you eat more than you need, you gain weight.",
        "In cases where not stated, ask. In countries where approved, use it.",
        "If I were you, I would stop; the results were the same.",
        "All except one were seen. Decisions that affect more than one unit are rare.",
        "It is available to many patients and to all. Its need is clear.",
        "Phase I has started. There are a few options and a large number of sites.",
        "There is lots of time. Does this have a cost? Pfizer are pleased. Novartis are here.",
        "The copyright notice and this notice are preserved.",
        "It compresses types of images that has smooth colour.",
        "Some parts of it are under other licences. Does it have a cost?",
        "Most of the water is gone. Included in this release are two tools.",
        "If the rash, swelling or itching are severe, stop. People with asthma are at risk.",
        "The option --check-accelerators is useful. Staff at the clinic have been told.",
        "Restored logging of errors that was removed.",
        "There were a few cases; there would be more. Being there matters.",
        "Until you're ready, wait. It goes further back than that.",
        "Support new kits where unified headers exist, and make changes where needed.",
        "Your dose depends on your weight; you're likely to start low.",
        "The weather was cold, and side effects were mild.",
        "A loose stool is common. Then take the next dose.",
        "The principal investigator gave advice on how to breathe.",
        "You should have taken it; most of them could of course stop.",
        "Your doctor is not sure; your due date and your free sample are in the letter.",
        "They're taking it with food. A patient who's taking warfarin is at risk.",
        "It works better than placebo, and than that it lasts longer.",
        "Lead can harm children; the tablets lead to weight loss in some.",
        "In the past year, patients have past experience of the pen.",
        "The dose does not change, and it does of course work.",
        "A different form of the medicine is available; the form is free.",
        "Lie prostrate on the floor. The principle of the test is simple.",
        "Staff complimented the nurse on her care of the ward.",
        "Do not lose the cap. Breathe out, then take a breath.",
        "Its effect lasts a day; its time course is short.",
        "Their doctor will be told; their results may be late.",
        "Give it to many patients. The dose is to be taken with food.",
        "Were you told to stop? Show us where it hurts; we know where to go.",
        "Check whether it works. The weather is cold.",
        "Lay the patient flat. Lay down the pen on a table.",
        "A dependant may claim. Illicit drugs are banned. The council met.",
        "We devise plans. The device has a cap. Adverse events were rare.",
        "It may lead to loss of hair. Weight loss may occur.",
        "The changes had an effect on sleep and may affect mood.",
        "Its important role is known; its best use is at night.",
        "Drink more when you sweat in hot weather or during exercise.",
        "The advice you need is here; this advice helps you.",
        "Breath tests are quick. Use it rather\nthan that.",
        "Write the dose down and read from there while you wait.",
        "If some other pen then fails, call us.",
    ],
)
def test_the_right_word_in_its_ordinary_use_is_not_flagged(text: str) -> None:
    assert found(text, "confusable") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The tablets in this blister is white.", [("is", "are")]),
        ("Nausea and dizziness was reported by few people.", [("was", "were")]),
        ("Fatigue, rash and fever is the usual signs.", [("is", "are")]),
        ("The findings of the second study suggests a benefit.", [("suggests", "suggest")]),
        ("The main reason for stopping were nausea.", [("were", "was")]),
        ("Adults who has kidney disease need a lower dose.", [("has", "have")]),
        ("Report any swelling that do not settle.", [("do", "does")]),
        ("The pharmacy is open, and our nurses has time to help.", [("has", "have")]),
        ("We expect that around 40 clinics per region needs support.", [("needs", "need")]),
        ("Swallow the tablets that contains lactose whole.", [("contains", "contain")]),
        ("The results of the two\nstudies shows a benefit.", [("shows", "show")]),
        # Verbs known from word counts alone ("it explains", never "the explains").
        ("The nurses at the clinic explains each step.", [("explains", "explain")]),
        ("Bring the forms which explains the study.", [("explains", "explain")]),
        ("Rises in ALT was the most common change.", [("was", "were")]),
        ("Your doctor or nurse are able to help.", [("are", "is")]),
        ("The number of patients were small.", [("were", "was")]),
        ("Patients taking warfarin needs regular checks.", [("needs", "need")]),
        ("Most patients feels better after a week.", [("feels", "feel")]),
        ("Every patient have a card.", [("have", "has")]),
        ("All patients has a card.", [("has", "have")]),
    ],
)
def test_a_verb_that_does_not_agree_with_its_subject_is_flagged(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(text, "agreement") == expected


@pytest.mark.parametrize(
    "text",
    [
        "The number of patients with rash is small.",
        "The risk of bleeding and bruising is higher in older people.",
        "The Food and Drug Administration has approved the label.",
        "Running two clinics is hard work.",
        "Shingles is a painful rash.",
        "The data are shown below, and the data is also online.",
        "People who currently have a fever should wait.",
        "The ratio was 3:1 and the cost was high.",
        "Headache, nausea, and changes in mood have occurred.",
        "Please do not stop the tablets suddenly.",
        # The word before a relative is not always what it refers to.
        "We checked the results. That is why the dose changed.",
        "The pen has two needles, which is convenient.",
        "Keep a note of the dose in all the diaries that has a blank page.",
        "Tell us about any page it finds that meets the criteria.",
        "Unlike these tablets, those that are coated can be crushed.",
        # Words that end the noun phrase or leave its noun out.
        "The objects shown above are listed.",
        "The first two are constants and the rest vary.",
        "The leaflets below are the current ones.",
        "A handful of tests have failed, and a couple of pens have leaked.",
        "One can use the same pen twice.",
        "Behave as if the dose were doubled.",
        "Set -I is on for all runs.",
        "Patients in Spain and Italy, and a small group in France, are enrolled.",
        "The existing checks had gaps and were not enough.",
        "The macro HAVE_PEN must be set.",
        "Some tablets (the coated ones) are larger.",
        "Norvia Biologics develops vaccines for children.",
        "Shingles in older adults is painful.",
        "A number of patients are eligible.",
        "Most of the tablet is coating.",
        "The tablet or the capsules are fine.",
        "One or both of the pens were lost.",
        "Patients taking part in the study are paid.",
        "Nurses showing how the pen works are on the ward.",
        "Each morning take one tablet.",
        "Nurses is a short film about the ward.",
        "Remove traces of old builds.",
        "This results in fewer visits.",
        "Use the blue and red caps that fit the pen.",
        'Check the labels in the "dose" box that describe the pen.',
    ],
)
def test_subjects_that_agree_or_are_unclear_are_not_flagged(text: str) -> None:
    assert found(text, "agreement") == []


def test_a_doubled_is_is_flagged_unless_it_closes_a_what_clause() -> None:
    assert found("The vaccine is is given once.", "repeated_word") == [("is is", "is")]
    assert found("What it is is a reminder.", "repeated_word") == []


def test_a_heading_ending_in_the_word_its_text_starts_with_is_no_repeat() -> None:
    assert found("About Velarin\nVelarin is a private company.", "repeated_word") == []


@pytest.mark.parametrize(
    "text",
    [
        "Kind regards,\nMarek Zielinski",
        "Results were reviewed by Dr Anjali Raghunathan.",
        "Ask about Tevrolan (sotravimide) at your next visit; sotravimide is taken daily.",
        "Her ferritin was 12 nmol/L and HbA1c 50 mmol/mol.",
        "Exacerbations fell with investigational monotherapy.",
        # Words of English books that the dictionary lacks.
        "Failed logins are counted, and a chunked upload is cut at the limit.",
    ],
)
def test_names_introduced_names_units_and_clinical_words_are_not_misspellings(text: str) -> None:
    assert found(text, "spelling") == []


def test_a_misspelt_word_in_a_title_case_phrase_is_still_flagged() -> None:
    assert found("Read the Patient Informaton Leaflet.", "spelling") == [
        ("Informaton", "Information")
    ]


def test_advice_after_a_subject_pronoun_is_the_verb_advise() -> None:
    assert found("We strongly advice you to rest. I advice rest.", "confusable") == [
        ("advice", "advise"),
        ("advice", "advise"),
    ]
    assert found("We took advice from the nurses.", "confusable") == []


def test_its_is_the_possessive_after_a_preposition_or_before_a_subject_noun() -> None:
    text = "Because of it's size, it is hard to swallow. It's main benefit is speed."

    assert found(text, "confusable") == [("it's", "its"), ("It's", "Its")]


@pytest.mark.parametrize(
    "text",
    [
        "It's important to rest.",
        "It's not clear why.",
        "It's been a year.",
        "It's what is needed.",
        "When it's cold, stay in.",
        "I know it's late.",
    ],
)
def test_its_as_it_is_or_it_has_is_accepted(text: str) -> None:
    assert found(text, "confusable") == []


def test_witch_before_a_verb_is_the_relative_which() -> None:
    assert found("Report a rash, witch may be serious.", "confusable") == [("witch", "which")]
    assert found("The witch in the play laughed.", "confusable") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It contain lactose.", [("contain", "contains")]),
        ("She have diabetes.", [("have", "has")]),
        ("If it don't work, call us.", [("don't", "doesn't")]),
        ("They takes the dose at night.", [("takes", "take")]),
        ("We has no data on this.", [("has", "have")]),
        ("You was right to call.", [("was", "were")]),
        ("Each of the tablets contain 5 mg.", [("contain", "contains")]),
        ("One of the patients were admitted.", [("were", "was")]),
        ("Neither tablet contain gluten.", [("contain", "contains")]),
        ("Everyone need to read the leaflet.", [("need", "needs")]),
        ("Both doses was well tolerated.", [("was", "were")]),
        ("There is many reasons to stop.", [("is", "are")]),
        ("There was two cases of rash.", [("was", "were")]),
        ("The pack contain 28 tablets.", [("contain", "contains")]),
        ("Your child need two doses.", [("need", "needs")]),
        ("The tablets doesn't dissolve in water.", [("doesn't", "don't")]),
        ("The side effects wasn't serious.", [("wasn't", "weren't")]),
        ("The tablet don\u2019t dissolve.", [("don\u2019t", "doesn't")]),
        ("She haven't called.", [("haven't", "hasn't")]),
        ("There's two strengths of the tablet.", [("There's", "There are")]),
        ("She were discharged home on Monday.", [("were", "was")]),
        ("Check that they is still sealed.", [("is", "are")]),
        ("Make sure you has the right pen.", [("has", "have")]),
        ("The dose may still has been given.", [("has", "have")]),
        ("At the visit you will has a scan.", [("has", "have")]),
        ("There is no costs for taking part.", [("is", "are")]),
        ("There is now more treatment options.", [("is", "are")]),
        (
            "After screening, each participant receive either drug or placebo.",
            [("receive", "receives")],
        ),
        ("Neither the doctor nor the nurses knows which one you take.", [("knows", "know")]),
        ("Keeping a simple diary help you spot patterns.", [("help", "helps")]),
        (
            "The results of the trial, which enrolled 5,050 patients, was published.",
            [("was", "were")],
        ),
        ("Your blood count, measured with a simple test, help your doctor.", [("help", "helps")]),
        ("I has a question about my dose.", [("has", "have")]),
        ("Skip it if we don't has the result.", [("has", "have")]),
        ("The pen does not has a needle guard.", [("has", "have")]),
        ("This are the main side effects.", [("are", "is")]),
        ("Tell us if these is new to you.", [("is", "are")]),
        ("There is restrictions on travel.", [("is", "are")]),
        ("There were a delay in the results.", [("were", "was")]),
        ("However it were stopped after a week.", [("were", "was")]),
        ("The therapies is new to the clinic.", [("is", "are")]),
        ("Zelmorin are contraindicated in pregnancy.", [("are", "is")]),
        ("People who currently has shingles should wait.", [("has", "have")]),
        ("It fails when connecting to servers that has no key.", [("has", "have")]),
        ("For example it are possible to run both.", [("are", "is")]),
        ("Most of the packets has extra data.", [("has", "have")]),
        ("The next follow-up are due in May.", [("are", "is")]),
        ("When the counter shows 0, the inhaler are empty.", [("are", "is")]),
        ("Support for older pens have been added.", [("have", "has")]),
    ],
)
def test_a_subject_whose_number_is_in_its_form_gets_a_verb_of_that_number(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(text, "agreement") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Does it have side effects? Why does he need this?",
        "Let it dry before use, and help him take the dose.",
        "Take it with water. Make sure it works.",
        "He need not worry. If it were cold, keep it inside.",
        "Each morning take one tablet. Each day take the dose with food.",
        "Both of them have diabetes. Both tablets contain lactose.",
        "There is one tablet left. There was a rise in two patients.",
        "One or two tablets are enough. One of the tablets is white.",
        "I was told to stop. If you were taking it, stop.",
        "Everyone has a role. Neither of us is sure.",
        "She takes it at night. It takes a week to work.",
        "Don't take it with milk. If you don't feel better, call us.",
        "Patients who don't respond need a review. Children don't need it.",
        "There's one tablet left. The results weren't clear. Isn't it time?",
    ],
)
def test_subjects_of_a_known_number_with_the_right_verb_are_not_flagged(text: str) -> None:
    assert found(text, "agreement") == []
