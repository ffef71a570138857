"""Reading text: the libraries the built-in engines are made of, with no action or I/O in them.

Each module takes a string (or a document version's text) and returns offsets into it:

- `segments`: words, sentences and the spans (URLs, e-mail addresses) no rule may flag;
- `grammar`: repeated words, a/an, spacing and capitals, rules that need no dictionary;
- `confusables`: their/there, its/it's, affect/effect and the like, judged by their context;
- `agreement`: subject and verb that disagree in number;
- `wordclasses`: the closed classes of words (modals, prepositions...) those rules read by;
- `language`: which language a text is written in;
- `proofreading`: spelling and grammar findings, from a dictionary and the grammar rules;
- `claims`: promotional claims, from word families read in their sentence's grammar;
- `audience`: a text's industry, regulator and audience, from the signals a reviewer reads;
- `html`: visible text of HTML with every offset kept, tags and headings with their offsets;
- `links`: links in any form (anchors, Markdown, bare addresses) with the words around them;
- `outline`: sentences, headings and pages of a document version;
- `passages`: a document's passages, ranked against a question;
- `contrast`: colours and type sizes from inline CSS, and their WCAG contrast ratio.
"""

#: A report lists at most this many findings (the first in the text) and counts the rest:
#: past that a reviewer fixes and runs again, and the answer stays small whatever the input.
MAX_FINDINGS = 1000
