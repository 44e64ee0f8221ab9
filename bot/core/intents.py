"""What a question asks for: a moment quoted from the archive, or something about the
archive itself (the newest episode, an episode, a person, episodes on a topic, how many).

Decided from the question's shape words (which, who is, how many, episode, latest...)
and from the archive's own metadata: the people it names (`_people/`, guests, hosts), its
episodes' numbers, titles and topics. A question is routed away from the quote only when
nothing topical is left once the archive words are taken out, or when it plainly asks
for episodes; when unsure it gets the quote, with episode cards offered beside it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.retrieval.catalog import Catalog, Mention, name_words
from bot.retrieval.documents import Person
from bot.retrieval.query import CHAT_FILLER
from bot.retrieval.tokenizer import STOP_WORDS

QUOTE, LATEST, EPISODE, PERSON, EPISODES_ABOUT, COUNT = "quote", "latest", "episode", "person", "episodes_about", "count"

# "Interview" and "show" are left out: members ask about job interviews and showing their
# work far more often than about the podcast's interviews.
ARCHIVE_NOUNS = frozenset("episode episodes ep eps podcast podcasts".split())
GUEST_NOUNS = frozenset("guest guests speaker speakers host hosts".split())
PEOPLE_WORDS = frozenset("someone somebody anyone person people guy gal woman man lady".split())  # "someone from Tesla"
RECENCY = frozenset("latest newest recent recently last new newer lately".split())
RELEASE = frozenset("came come coming out released release drop drops dropped publish publishes published upload "
                    "uploads uploaded posted aired "
                    "live".split())
SOURCE_PREPOSITIONS = frozenset("in from on during".split())  # "from the <topic> episode": where it was said
CITING = frozenset("the some an a one that this your his her their".split())  # "in the podcast ... said"
BEEN_ON = frozenset("had have has was were been ever any anyone anybody".split())  # "had X on the podcast"
HOSTING = frozenset("hosts host runs run created founded started".split())
# Chat shorthand that says nothing about a topic ("yo whats the newest ep rn?").
CHAT_SLANG = frozenset("yo hey hi rn tbh imo imho ngl lmk idk bro fam thx ty btw lol lmao pls plz "
                       "asap fyi jk".split())
# Shorthand read as the word it stands for: "the episode w christoph", "the pod".
SHORTHAND = {"w": "with", "abt": "about", "pod": "podcast", "pods": "podcasts", "eps": "episodes"}
# Words that ask for episodes when they lead up to an archive noun ("which episode",
# "is there an episode", "recommend a podcast") or follow it ("episode about X").
ASKING_BEFORE = frozenset("which what any is was are were there do does did have has had got recommend "
                          "suggest list find show give know name".split())
TOPIC_AFTER = frozenset("about on with covering featuring discussing regarding where that talking "
                        "talked talks discussed related".split())
# Words that leave a question about a person, or about which episode someone was on.
PERSON_FORM = frozenset("who whos tell me more about what does did do is was are background bio job role "
                        "work works working worked company position info information on of the guest host "
                        "profile known doing".split())
EPISODE_FORM = frozenset("which what episode episodes ep eps podcast with was were on the appear "
                         "appeared appears featuring feature featured guest in did had have find link "
                         "me".split())
# Said next to a name, these mean the person's episode ("the interview with Xia").
NAMED_EPISODE = frozenset("interview interviews talk session chat".split())
SHAPE_WORDS = (ARCHIVE_NOUNS | GUEST_NOUNS | PEOPLE_WORDS | RECENCY | RELEASE | ASKING_BEFORE | TOPIC_AFTER | PERSON_FORM
               | EPISODE_FORM | HOSTING | CHAT_SLANG | {"archive", "how", "many", "number", "total", "count", "so", "far", "far", "ever", "yet",
                                 "all", "altogether", "week", "month", "today", "anything", "something",
                                 "roughly", "approximately", "approx", "around", "exactly",
                                 "done", "made", "recorded", "produced"})
_CODE = re.compile(r"\bs(?:eason)?\s*0*(\d{1,3})\s*,?\s*e(?:p(?:isode)?)?\s*0*(\d{1,3})\b", re.I)
_CODE_EPISODE_FIRST = re.compile(r"\bep(?:isode)?\s*0*(\d{1,3})\s*(?:of|from|in)\s*(?:the\s+)?season\s*0*(\d{1,3})\b", re.I)
_QUOTED = re.compile(r"'[^']{3,}'|\"[^\"]{3,}\"|“[^”]{3,}”|‘[^’]{3,}’")  # words quoted, not asked
_SENTENCES = re.compile(r"(?<=[?!.])\s+|\s+-\s+|,\s+(?=(?:feels|seems|wondering|lol|haha|btw|i think|i feel)\b)")


@dataclass(frozen=True)
class Route:
    kind: str
    topic: str = ""                       # the question's topical words (episodes about what)
    people: tuple[Person, ...] = ()       # people the question names
    number: tuple[int, int] | None = None  # (season, episode) for an episode asked by its code
    offer_cards: bool = False             # a quote, with the episodes on the topic offered beside it
    without_names: str = ""               # the question with the named people's names taken out
    episodes: tuple = ()                  # episodes the question names by their title


def route(question: str, catalog: Catalog) -> Route:
    """What `question` asks for. A message of several sentences ("who's alexey grigorev?
    his name is everywhere") is asked by its one question when the rest only tells."""
    context = _EPISODE_AS_CONTEXT.match(question)
    if context and _route(context.group("ask"), catalog).kind == QUOTE:
        return _route(question, catalog, episode_is_context=True)
    sentences = [s for s in _SENTENCES.split(question) if s.strip()]
    asking = [i for i, sentence in enumerate(sentences) if _is_a_question(sentence)]
    if len(sentences) > 1 and len(asking) == 1:  # the chatter after the one question is left out
        head = _route(" ".join(sentences[:asking[0] + 1]), catalog)
        if head.kind != QUOTE:
            return head
    return _route(question, catalog)


def _expand_shorthand(question: str) -> str:
    """ "w/" and "w" for "with", "the pod" for "the podcast" (only after "the": a k8s pod stays a pod)."""
    question = re.sub(r"\bw/", "with ", question, flags=re.I)
    return re.sub(r"\b(the |your |datatalks |dtc )?(w|abt|pod|pods|eps)\b",
                  lambda m: m.group(0) if m.group(2).lower() in ("pod", "pods") and not m.group(1)
                  else (m.group(1) or "") + SHORTHAND[m.group(2).lower()], question, flags=re.I)


def _is_a_question(sentence: str) -> bool:
    words = name_words(sentence)
    return sentence.rstrip().endswith("?") or bool(words) and words[0] in QUESTION_STARTS


QUESTION_STARTS = frozenset("who whos what whats which when where why how is are was were do does did can could "
                            "should any anything".split())


# "the pet tech episode w/ the dog sensor - how long does it take...": an episode named
# first, as the setting of a question asked after a dash or colon.
_EPISODE_AS_CONTEXT = re.compile(
    r"\s*(?:the|that|this)\b[^?.!]{0,80}?\b(?:episodes?|ep|eps|podcast|pod|one)\b[^?.!]{0,80}?\s[-–—:]\s+"
    r"(?P<ask>(?:how|what|whats|what's|why|when|where|who|which|is|are|do|does|did|can|could|should)\b.*)",
    re.I | re.S)


def _route(question: str, catalog: Catalog, episode_is_context: bool = False) -> Route:
    code = _CODE.search(question)
    if code:
        return Route(EPISODE, number=(int(code.group(1)), int(code.group(2))))
    code = _CODE_EPISODE_FIRST.search(question)
    if code:
        return Route(EPISODE, number=(int(code.group(2)), int(code.group(1))))
    for quoted in _QUOTED.findall(question):
        titled = catalog.titled(quoted[1:-1])
        if titled:  # "looking for the 'Mindful Data Strategy' episode"
            return Route(EPISODE, episodes=tuple(titled))
    question = _QUOTED.sub(" ", question)  # "my bot can't answer 'what is this episode about?'"
    question = _expand_shorthand(question)
    words = name_words(question)
    mentions = _trusted(catalog.mentions(question), words, catalog)
    named = tuple(dict.fromkeys(p for m in mentions for p in m.people))
    topical = [w for w in _topical(question, mentions) if w not in catalog.show_words]  # not "dtc"
    distinctive = [w for w in dict.fromkeys(topical) if not catalog.is_said_widely(w)]
    archive = ARCHIVE_NOUNS | catalog.show_words | {"archive"}  # "the podcast", "DTC", "the archive"
    if _asks_who_hosts(words, archive) and not distinctive:
        host = catalog.main_host()
        if host is not None:
            return Route(PERSON, people=(host,))
    asks_for_episodes = not episode_is_context and _asks_for_episodes(words, set(topical), archive)
    if _asks_how_many(words):
        return Route(COUNT) if not distinctive else Route(EPISODES_ABOUT, topic=" ".join(topical))
    if _asks_for_newest(words, archive) and not distinctive and not named:
        return Route(LATEST)
    if named and not set(topical) - NAMED_EPISODE:
        if set(words) & (ARCHIVE_NOUNS | NAMED_EPISODE | {"appear", "appeared", "featuring", "featured"}):
            return Route(EPISODE, people=named)
        return Route(PERSON, people=named)
    if asks_for_episodes and topical:
        return Route(EPISODES_ABOUT, topic=" ".join(topical), people=named)
    unique = tuple(m.person for m in mentions if m.person is not None)
    unsure = bool(set(words) & ARCHIVE_NOUNS) or bool(re.match(r"(?:any|anything) (?:on|about)\b", " ".join(words)))
    return Route(QUOTE, people=unique, topic=" ".join(topical), offer_cards=unsure and bool(topical),
                 without_names=_without(question, mentions))


def _without(question: str, mentions: list[Mention]) -> str:
    """The question's words without the names of the people it mentions."""
    named = {i for m in mentions if m.person is not None for i in range(m.start, m.end)}
    return " ".join(w for i, w in enumerate(name_words(question)) if i not in named)


def _topical(question: str, mentions: list[Mention]) -> list[str]:
    """The question's words once people's names, stop words, chat filler and the words
    that only shape a question about the archive are taken out."""
    words = name_words(question)
    named = {i for m in mentions for i in range(m.start, m.end)}
    return [w for i, w in enumerate(words) if i not in named and w not in STOP_WORDS
            and w not in CHAT_FILLER and w not in SHAPE_WORDS and not w.isdigit()]


def _trusted(mentions: list[Mention], words: list[str], catalog: Catalog) -> list[Mention]:
    """A full name always names someone; a single name ("Sara") only when the question
    is about a person or an episode, or when the word is rare in the archive's talk
    (so "mark" or "will" in an ordinary question is not a guest)."""
    about_people = bool(set(words) & ({"who"} | ARCHIVE_NOUNS | GUEST_NOUNS | PEOPLE_WORDS)) or "tell" in words
    return [m for m in mentions if m.full or about_people or not catalog.is_common_word(words[m.start])]


def _asks_how_many(words: list[str]) -> bool:
    for i, word in enumerate(words):
        if word == "many" and i and words[i - 1] == "how" or word == "number" and words[i + 1:i + 2] == ["of"]:
            return bool(set(words[i + 1:i + 5]) & ARCHIVE_NOUNS)
    return False


def _asks_for_newest(words: list[str], archive: frozenset[str]) -> bool:
    """A recency word near an archive noun or the show's name ("latest episode", "new on
    the DTC podcast")."""
    for i, word in enumerate(words):
        if word in RECENCY and set(words[max(0, i - 4): i + 5]) & archive:
            return True  # "ml tools that come out every week" is no question about the archive
    return False


def _asks_for_episodes(words: list[str], topical: set[str], archive: frozenset[str]) -> bool:
    """Whether episodes are what the question asks for: an archive noun led up to by an
    asking word ("which episode", "any podcasts"), named by its topic ("kaggle episodes",
    "that biohacking one about sleep") or followed by a topic word ("episodes about X");
    someone having been on the show ("was there ever a CDO on the show?", "have you had
    recruiters on the podcast?", "has DTC done anything on causal inference?"); or a guest
    described by where they work ("the guest from Omdena", "anyone from Thoughtworks ever
    a guest?"). An episode cited as a source ("in the podcast with Dimitri he said...",
    "heard in some episode that...") is not asked for."""
    text = " ".join(words)
    mentions_archive = bool(set(words) & (archive | GUEST_NOUNS)) or " on the show" in text
    if re.match(r"(?:is|was|are|were|has|have) there (?:ever )?(?:been )?", text) and mentions_archive:
        return True
    named_one = re.match(r"(?:\w+ ){0,3}(?:the|that|this) ((?:\w+ ){1,5})one(?: (?:about|where|with|on)\b|$)", text)
    if re.search(r"(?:^|\b(?:the|that|this) )one (?:where|with|about|on|that)\b", text) \
            or named_one and set(named_one.group(1).split()) & topical:  # "the hadron collider one", not "the 100 one"
        return True
    if re.match(r"(?:any|anything|something) (?:on|about)\b", text) and mentions_archive:
        return True
    if re.search(r"\bas (?:a )?guests?\b|\bbeen (?:a |an )?guests?\b", text) and set(words) & BEEN_ON:
        return True  # "have you ever had recruiters as guests?", "has a recruiter ever been a guest?"
    if re.match(r"what (?:did|does|do) (?:the|that|this) (?:\w+ ){1,6}(?:talk|speak|chat)(?:ed)? about\b", text):
        return True  # "what did the evidently ai founder talk about?"
    if re.search(r"\b(?:done|covered|had|made|recorded|did) (?:anything|something) (?:on|about)\b", text) \
            and mentions_archive:
        return True
    if re.search(r"\bon (?:the )?(?:" + "|".join(sorted(archive | {"show", "pod"})) + r")\b", text) \
            and set(words) & BEEN_ON:
        return True
    for i, word in enumerate(words):
        if word in ARCHIVE_NOUNS and not _cited(words, i):
            before, after = set(words[max(0, i - 3):i]), words[i + 1:i + 2]
            if before & ASKING_BEFORE or (after and after[0] in TOPIC_AFTER):
                return True
            if i and words[i - 1] in topical and not set(words[i + 1:]) - SHAPE_WORDS - STOP_WORDS:
                return True  # "kaggle episodes?": the topic names the episodes, nothing else is asked
        described = words[i + 1:i + 2] and words[i + 1] in {"from", "at", "who", "working"}
        if described and (word in GUEST_NOUNS or word in PEOPLE_WORDS and mentions_archive):
            return True
    return False


def _cited(words: list[str], i: int) -> bool:
    """The archive noun at `i` names where something was said: "in the podcast", "in some
    episode", "heard on one of the DTC podcasts that...", "from the causal inference
    episode", "on the data makers fest ep"."""
    before = words[max(0, i - 6):i]
    if words[i - 1:i] == ["in"] or bool(set(before) & {"heard", "said", "mentioned", "told", "says"}):
        return True
    return any(words[j] in SOURCE_PREPOSITIONS and words[j + 1] in CITING for j in range(max(0, i - 7), i - 1))


def _asks_who_hosts(words: list[str], archive: frozenset[str]) -> bool:
    """"who hosts the podcast?", "who runs DTC?", "who is the host of the show?"."""
    return "who" in words and bool(set(words) & HOSTING) and bool(set(words) & (archive | {"show"}))
