"""Attributions: statements credited to a source without quotation marks ('according to', 'X said')."""

from __future__ import annotations

import re
from typing import Any

from .claims import Finding
from .context import SentenceContext
from .lexicon import verb_forms, word_set
from .speakers import SPEECH_VERBS, WEAK_SPEECH, is_speech_verb, resolve, subject_of

_CONTENT_DEPS = frozenset(
    # "nsubjpass": what a passive clause credits to its agent ("The plan is supported by most businesses").
    {"ccomp", "dobj", "xcomp", "advcl", "parataxis", "prep", "attr", "oprd", "dative", "nsubjpass"}
)
# "In remarks to the Agence France-Presse news service", "LeCun's conversation with the Financial Times".
_TO_OUTLET = re.compile(
    r"\b(?:remarks|interview|conversation|comments|statement|speaking|spoke|talking|told)\s(?:to|with)?\s?(?:the\s)?"
    r"(?P<outlet>[A-Z][\w.&’'-]*(?:\s(?:[A-Z][\w.&’'-]*|of|for|and))*)",
)
# Speech verbs that also name acts ("declared a state of emergency", "struggle to maintain their standing"):
# they credit words only with a clause ("declared that ...") or as a tag after one.
_CLAUSE_ONLY = verb_forms("declare maintain observe recall continue")
# Stances that also name acts or experiences ("have seen marked increases", "released a film"): they credit
# a clause or an infinitive ("knows that ...", "sought to distinguish himself"), never a bare object.
_ACT_LIKE = verb_forms(
    """see/sees/saw/seen/seeing know/knows/knew/known/knowing learn understand/understood realize remember
    feel/feels/felt/feeling name list introduce offer push release publish accept embrace encourage
    promote agree"""
)
# A vote is a stance only for or against someone or something ("56 percent would vote for Clinton"); "states
# voting on March 1" is a date.
_VOTES = verb_forms("vote")
# A refusal credits what is refused only as an infinitive ("declined to comment"); "declined his offer to
# resign" is an act, a fact of its own.
_INFINITIVE_ONLY = verb_forms("decline")
# "Pence: Trump Was 'Mocking' Clinton Camp", "Poll: Clinton and Trump in dead heat": a headline's (or a
# transcript's) source, named before a colon at the start of a sentence.
_COLON_SOURCE = re.compile(
    r"\s*[\"“]?(?P<source>[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,3})\s?:\s+(?P<content>\S.*)", re.S
)
_SOURCE_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
# Labels a line may open with that name no one ("Breaking: ...", "The Latest: ...").
_NOT_SOURCES = word_set("latest breaking update correction note video watch exclusive look revealed contributing wow")
# Judgments a passive may credit to no one ("was accused of", "is expected to", "has been criticized for");
# instructions and classifications ("were asked to", "was not considered a record") are facts of their own.
_JUDGED = verb_forms(
    """accuse criticize blame expect think/thought believe view allege report say/said rumor suspect fear
    praise condemn rate"""
)
# What a clause can be read in or by ("in the latest poll", "by one estimate", "in his view").
_READINGS = word_set("poll polls survey surveys study estimate estimates view eyes opinion account analysis")
# Words for people as a group, who hold stances as a person does ("Immigrants feel discriminated against").
_PEOPLE = word_set(
    """people voters americans immigrants migrants politicians workers citizens residents critics supporters
    opponents members officials leaders experts analysts economists conservatives liberals progressives"""
)
# What a person can be of a mind about ("worried about", "skeptical of", "confident that", "eager to").
_STANCE_ADJECTIVES = word_set(
    """worried concerned confident aware opposed convinced hopeful eager sure skeptical sceptical angry proud
    wary supportive critical determined willing optimistic pessimistic unhappy reluctant upset satisfied
    frustrated happy committed"""
)
_ABOUT = frozenset({"about", "of", "to", "with", "in", "on", "over", "that"})
_SEE = verb_forms("see/sees/saw/seen/seeing view regard")
_PEOPLE_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you"})
# "... allowed him to innovate, giving rise to LLaMA": the work credited to a person, with no speech verb.
_GIVE = word_set("give gives gave giving given")
# Stances PolNeAR counts as attributions besides speech: what a person or group thinks, wants, backs or
# attacks ("Kasich hopes to ...", "She also congratulated Sanders for ..."), from the cues of its train split.
STANCE_VERBS = verb_forms(
    """ask criticize accuse praise endorse urge vow pledge promise defend cite mention discuss question respond
    answer dismiss denounce blast slam/slams/slammed/slamming blame mock attack condemn decry lament complain
    joke echo reiterate repeat recommend propose threaten challenge assail applaud welcome thank congratulate
    tout highlight express portray label compare project remind release publish quote retweet email chant shout
    imply hint think/thinks/thought/thinking believe know/knows/knew/known/knowing feel/feels/felt/feeling fear
    worry hope want wish expect doubt consider see/sees/saw/seen/seeing view understand/understood realize learn
    remember wonder prefer/prefers/preferred/preferring favor favour support back oppose reject agree disagree
    accept embrace seek/seeks/sought/seeking plan/plans/planned/planning intend decide refuse deem regard
    suspect assume trust insist reveal disclose admit/admits/admitted/admitting concede acknowledge predict
    estimate blast demand request suggest argue emphasize stress explain announce describe characterize recall
    allege assert talk vote refer/refers/referred/referring list name offer introduce bill conflate pressure
    encourage promote boast chime ridicule swipe push show/shows/showed/shown/showing
    speak/speaks/spoke/spoken/speaking present liken charge persuade raise seize pound decline indicate aim yell"""
)
# Stances named by a noun with the one who holds them ("Sanders's criticism of the deal", "support from
# the youth"): PolNeAR credits what follows the noun's preposition to the holder.
_STANCE_NOUNS = word_set(
    """criticism support opposition statement remark remarks comment comments question claim claims call calls
    attack attacks
    praise endorsement concerns concern warning warnings views view position stance demand demands
    complaint complaints accusation accusations allegation allegations proposal plan plans promise
    pledge vow denial response answer defense defence disdain abandonment determination decision eagerness
    theory conclusion advice acknowledgment acknowledgement assessment idea recognition protest announcement
    effort rhetoric message insistence refusal reluctance belief hopes fears desire intention report reports
    promises statements doubt doubts swipe swipes argument arguments suggestion assertion reference references
    apology backing"""
)
_STANCE_PREPS = frozenset({"of", "for", "on", "about", "against", "to", "that"})
# Verbs that take a that-clause without crediting it to anyone ("the problem is that", "ensure that").
_NOT_REPORTING = verb_forms(
    """be/is/are/was/were/been/being/'s/’s make/makes/made/making ensure mean require happen seem appear
    prove turn/turns/turned/turning follow result"""
)
_WRITINGS = word_set("headline article column editorial ad advert letter tweet post statement report op-ed")
_ISSUE_VERBS = frozenset({"issued", "issues", "released", "releases", "made", "makes", "published", "publishes", "put"})
_STATEMENT = frozenset({"statement", "announcement", "release", "report", "communique", "declaration", "tweet"})


# "A study found that ...", "Figures show ...": documents credited with findings.
_FINDING_VERBS = frozenset(
    {
        "found",
        "finds",
        "find",
        "shows",
        "showed",
        "show",
        "indicates",
        "indicated",
        "suggests",
        "suggested",
        "concluded",
        "concludes",
    }
)
_DOCUMENTS = frozenset(
    {
        "study",
        "report",
        "survey",
        "poll",
        "analysis",
        "research",
        "data",
        "review",
        "investigation",
        "audit",
        "paper",
        "figures",
        "statistics",
        "census",
        "inquiry",
        "researchers",
        "scientists",
    }
)


def _finding_verb(tok: Any) -> bool:
    if tok.lower_ not in _FINDING_VERBS:
        return False
    subj = subject_of(tok, passive=False)
    return subj is not None and subj.lower_ in _DOCUMENTS


def _inside(i: int, j: int, spans: list[tuple[int, int]]) -> bool:
    return any(qs - 1 <= i and j <= qe + 1 for qs, qe in spans)


def _finding(sc: SentenceContext, start: int, end: int, name: str | None, key: str, how: str, cue: str) -> Finding:
    """An attribution over piece offsets start..end, crediting `name` as its speaker or source by `cue`."""
    norm: dict[str, Any] = {key: name} if name else {}
    content = sc.text[start - sc.start : end - sc.start]
    norm["cue"] = cue.lower()
    norm["content"] = " ".join(content.split())[:300]
    return Finding(
        "attribution",
        sc.base + start,
        sc.base + end,
        norm,
        ("attribution", how) if name else ("attribution", how, "speaker_unknown"),
    )


def find_attributions(sc: SentenceContext) -> list[Finding]:
    """Attribution claims in one sentence: 'according to', speech and statement verbs, then outlets."""
    out: list[Finding] = []
    quoted = [(qs, qe) for qs, qe in sc.quoted if qs < sc.end and sc.start < qe]  # this sentence's only
    for tok in sc.sent:
        if tok.pos_ != "VERB" and tok.lower_ not in _CUE_WORDS:
            continue  # most words: none of the readers below reads them
        if quoted and any(qs <= tok.idx < qe for qs, qe in quoted):
            continue  # a cue inside quotation marks is the quoted speaker's own words
        finding = (
            _according_to(sc, tok)
            or _said_or_stated(sc, tok)
            or _credited_work(sc, tok)
            or _stance_noun(sc, tok)
            or _unnamed_passive(sc, tok)
            or _in_document(sc, tok)
            or _headline_verb(sc, tok)
            or _stance_adjective(sc, tok)
        )
        if finding is not None:
            out.append(finding)
    out += _interviews_with_outlet(sc)
    colon = _colon_source(sc)
    return out + [colon] if colon is not None else out


def _colon_source(sc: SentenceContext) -> Finding | None:
    """A sentence that opens with a person, a group or a poll and a colon ("Sanders: Clinton needs to ...")."""
    m = _COLON_SOURCE.match(sc.text)
    if m is None or len(m.group("content").split()) < 3 or _inside(sc.start, sc.start + m.end(), sc.quoted):
        return None
    span = sc.doc.char_span(sc.start + m.start("source"), sc.start + m.end("source"), alignment_mode="expand")
    if span is None:
        return None
    words = m.group("source")
    known = sc.ctx.full_name(words.title() if words.isupper() else words)
    person = known != words or all(t.ent_type_ == "PERSON" for t in span) or _named_again(sc, words)
    if not (person or words.lower() in _DOCUMENTS or all(t.ent_type_ in _SOURCE_ENTITIES for t in span)):
        return None
    key = "speaker" if person else "source"
    return _finding(sc, sc.start + m.start("source"), sc.end, known, key, "colon", ":")


def _headline_verb(sc: SentenceContext, tok: Any) -> Finding | None:
    """A headline's "Name Verbs what": "Jeb Bush Super PAC Chief Praises Marco Rubio Donor's Campaign". The
    parser misreads words in title case, so the verb is read by its form: capitalised, with the -s of a
    headline's present tense, after a capitalised source at the start of the sentence."""
    if not (tok.text[:1].isupper() and tok.lower_.endswith("s") and tok.i > sc.sent.start):
        return None
    if (tok.lower_ not in SPEECH_VERBS and tok.lower_ not in STANCE_VERBS) or not _title_case(sc.sent):
        return None
    source = sc.doc[sc.sent.start : tok.i]
    if not 1 <= len(source) <= 6 or not all(t.text[:1].isupper() or t.is_punct for t in source):
        return None
    if _inside(tok.idx, tok.idx, sc.quoted) or len(sc.doc[tok.i + 1 : sc.sent.end]) < 2:
        return None
    words = source.text.strip()
    person = any(t.ent_type_ == "PERSON" for t in source) or sc.ctx.full_name(words) != words
    key = "speaker" if person else "source"
    return _finding(sc, source.start_char, sc.end, sc.ctx.full_name(words), key, "headline", tok.text)


def _title_case(sent: Any) -> bool:
    """A sentence in title case, as headlines are: most words of four letters or more capitalised."""
    long_words = [t.text for t in sent if len(t.text) > 3 and t.text[:1].isalpha()]
    return len(long_words) >= 3 and sum(w[:1].isupper() for w in long_words) * 4 >= len(long_words) * 3


def _named_again(sc: SentenceContext, words: str) -> bool:
    """A headline's source the story names again below it ("Lynch: No outside influence on FBI probe", then
    "Attorney General Loretta Lynch said ..."); a label ("Update:", "Watch:") is not named again."""
    last = words.split()[-1]
    if len(last) < 3 or last.isupper() or last.lower() in _NOT_SOURCES:
        return False
    return re.search(rf"\b{re.escape(last)}\b", sc.ctx.text[sc.base + sc.end :]) is not None


def _according_to(sc: SentenceContext, tok: Any) -> Finding | None:
    """The whole sentence, credited to the object of "according to" ("according to the ministry")."""
    doc = sc.doc
    if not (tok.lower_ == "according" and tok.i + 1 < sc.sent.end and doc[tok.i + 1].lower_ == "to"):
        return None
    obj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
    if obj is None:
        return None
    name, key = resolve(obj, sc.ctx)
    clause = tok.head
    if clause.dep_ == "conj" and clause.pos_ in ("VERB", "AUX"):
        # "X was married to Y; but, according to her memoirs, also had ...": only the second clause is hers.
        lo = min(tok.idx, clause.left_edge.idx)
        hi = clause.right_edge.idx + len(clause.right_edge.text)
        return _finding(sc, max(lo, sc.start), min(hi, sc.end), name, key, "according_to", "according to")
    return _finding(sc, sc.start, sc.end, name, key, "according_to", "according to")


def _said_or_stated(sc: SentenceContext, tok: Any) -> Finding | None:
    """What a speech, finding or statement verb credits to its subject ("Maróth said", "a study found")."""
    how = _credit_verb(tok)
    if how is None:
        return None
    subj = _holder(tok)
    if subj is None or (tok.lower_ in WEAK_SPEECH and subj.pos_ not in ("PROPN", "PRON", "NOUN")):
        return None
    content = _content_of(tok)
    if tok.lower_ in _CLAUSE_ONLY and not _clausal(tok, content):
        return None
    if tok.lower_ in _ACT_LIKE and not (_clausal(tok, content) or _a_persons(subj, content) or _seen_as(tok)):
        return None
    if tok.lower_ in _INFINITIVE_ONLY and not any(c.dep_ == "xcomp" for c in content):
        return None
    if tok.lower_ in _VOTES and not any(c.dep_ == "prep" and c.lower_ in ("for", "against") for c in content):
        return None
    # Words in quotation marks are a quote claim; credit only what the text says in its own voice.
    if not content or _only_quoted(content, sc.quoted):
        return None
    lo, hi = _credited_span(sc, tok, subj, content)
    name, key = resolve(subj, sc.ctx)
    return _finding(sc, lo, hi, name, key, how, tok.text)


def _in_document(sc: SentenceContext, tok: Any) -> Finding | None:
    """A clause credited to a poll, a study or an estimate by a phrase before it ("In a Quinnipiac poll, Ortiz
    led by 5 points", "By one estimate, 300,000 acres were lost")."""
    if tok.lower_ not in ("in", "by") or tok.dep_ != "prep" or tok.head.pos_ not in ("VERB", "AUX"):
        return None
    obj = _head_noun(next((c for c in tok.children if c.dep_ == "pobj"), None))
    if obj is None or obj.lower_ not in _READINGS or not any(c.dep_ == "nsubj" for c in tok.head.children):
        return None
    phrase = sc.doc[tok.i : obj.right_edge.i + 1]
    source = sc.doc[obj.left_edge.i : obj.right_edge.i + 1].text
    # Before its clause the phrase credits what follows it; after, the whole sentence ("she got no bump in
    # one of the first polls").
    start = phrase.start_char if tok.i < tok.head.i else sc.start
    return _finding(sc, start, sc.end, source, "source", "in_document", phrase.text)


def _head_noun(obj: Any | None) -> Any | None:
    """The noun a quantifier stands for: "polls" in "one of the first polls"."""
    if obj is None or obj.pos_ not in ("NUM", "PRON", "DET", "ADJ"):
        return obj
    of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return next((c for c in of.children if c.dep_ == "pobj"), obj) if of is not None else obj


def _unnamed_passive(sc: SentenceContext, tok: Any) -> Finding | None:
    """A judgment credited to no one named ("Quiros was accused of fraud", "the bridge is expected to open in
    May"): who accuses or expects is itself worth asking."""
    if tok.tag_ != "VBN" or tok.lower_ not in _JUDGED:
        return None
    deps = {c.dep_ for c in tok.children}
    if not {"auxpass", "nsubjpass"} <= deps or "agent" in deps:
        return None
    subj = next(c for c in tok.children if c.dep_ == "nsubjpass")
    content = [c for c in tok.children if c.dep_ in ("xcomp", "prep", "oprd", "ccomp")]
    if not content or subj.lower_ in ("it", "this", "that", "which", "who"):
        return None
    lo, hi = _credited_span(sc, tok, subj, content)
    return _finding(sc, lo, hi, None, "source", "unnamed_passive", tok.text)


def _stance_noun(sc: SentenceContext, tok: Any) -> Finding | None:
    """A stance a noun names with its holder: "Trump's attacks on Bush", "support from the youth for X"."""
    if tok.lower_ not in _STANCE_NOUNS or tok.pos_ != "NOUN":
        return None
    preps = [c for c in tok.children if c.dep_ == "prep"]
    holder = _stance_holder(tok, preps)
    content = [p for p in preps if p.lower_ in _STANCE_PREPS] + [c for c in tok.children if c.dep_ == "acl"]
    if holder is None or not content or holder.lower_ in ("its", "it"):
        return None
    name, key = resolve(holder, sc.ctx)
    lo = min(holder.left_edge.idx, tok.idx)
    hi = max(c.right_edge.idx + len(c.right_edge.text) for c in content)
    return _finding(sc, max(lo, sc.start), min(hi, sc.end), name, key, "stance_noun", tok.text)


def _stance_holder(noun: Any, preps: list[Any]) -> Any | None:
    """Who holds a stance a noun names: "Sanders's criticism", "support from the youth", and the one who
    makes, voices or withholds it ("Trump has made several statements on the matter", "He avoided criticism
    of Trump")."""
    holder = next((c for c in noun.children if c.dep_ == "poss"), None)
    if holder is not None:
        return holder
    by = next((p for p in preps if p.lower_ in ("from", "by")), None)
    if by is not None:
        return next((c for c in by.children if c.dep_ == "pobj"), None)
    return subject_of(noun.head, passive=False) if noun.dep_ == "dobj" and noun.head.pos_ == "VERB" else None


def _stance_adjective(sc: SentenceContext, tok: Any) -> Finding | None:
    """A stance an adjective states of a person or a group ("Trump is confident that ...", "voters are wary of
    both candidates", "Sanders is eager to debate")."""
    if tok.lower_ not in _STANCE_ADJECTIVES or tok.dep_ not in ("acomp", "ROOT"):
        return None
    holder = subject_of(tok.head if tok.dep_ == "acomp" else tok)
    content = [c for c in tok.children if c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "prep" and c.lower_ in _ABOUT)]
    if holder is None or not content or not _people(holder):
        return None
    name, key = resolve(holder, sc.ctx)
    lo = min(holder.left_edge.idx, tok.idx)
    hi = max(c.right_edge.idx + len(c.right_edge.text) for c in content)
    return _finding(sc, max(lo, sc.start), min(hi, sc.end), name, key, "stance_adjective", tok.text)


def _people(tok: Any) -> bool:
    """A person or a group of people: a name, a personal pronoun, a nationality or party, "voters"."""
    named = tok.ent_type_ in ("PERSON", "NORP") or (tok.pos_ == "PROPN" and tok.ent_type_ not in ("GPE", "LOC", "DATE"))
    return named or tok.lower_ in _PEOPLE_PRONOUNS or tok.lower_ in _PEOPLE


def _credited_work(sc: SentenceContext, tok: Any) -> Finding | None:
    """The work a sentence credits to a person ("allowed him to innovate, giving rise to LLaMA")."""
    verb = tok.head
    if not (tok.lower_ == "rise" and tok.dep_ == "dobj" and verb.lower_ in _GIVE):
        return None
    work = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "to"), None)
    subj = subject_of(verb, passive=False)
    if work is None or subj is None:
        return None
    name, key = resolve(subj, sc.ctx)
    if key != "speaker" or not name:
        return None  # "the environment gave rise to ..." credits no one
    end = work.right_edge.idx + len(work.right_edge.text)
    lo = max(min(subj.idx, verb.idx), sc.start)
    return _finding(sc, lo, min(end, sc.end), name, "credited", "credited_work", f"{verb.text} rise to")


def _seen_as(tok: Any) -> bool:
    """A view held of something ("critics see the program as a loophole"), whoever holds it."""
    if tok.lower_ not in _SEE:
        return False
    # "as" hangs on the verb or on its object, as the parser reads it
    around = [tok, *(c for c in tok.children if c.dep_ == "dobj")]
    return any(c.dep_ in ("prep", "oprd") and c.lower_ == "as" for t in around for c in t.children)


def _a_persons(subj: Any, content: list[Any]) -> bool:
    """An infinitive ("sought to distinguish himself"), agreement with someone ("a quarter of Americans agree
    with him"), or any content when people hold the stance ("Politicians know this")."""
    person = subj.ent_type_ in ("PERSON", "NORP") or subj.lower_ in _PEOPLE_PRONOUNS or subj.lower_ in _PEOPLE
    agrees = subj.head.lower_.startswith("agree") and any(c.lower_ == "with" for c in content)
    return person or agrees or any(c.dep_ == "xcomp" for c in content)


def _clausal(tok: Any, content: list[Any]) -> bool:
    """Content that is a clause: a complement clause, a statement the verb tags, or an object that is the
    subject of a verb right after it ("maintained an impeachment inquiry is what ...", parsed as an object)."""
    for c in content:
        if c.dep_ in ("ccomp", "parataxis") or c.i == tok.head.i != tok.i:
            return True
        after = c.right_edge.i + 1
        if c.dep_ == "dobj" and after < len(c.doc) and c.doc[after].tag_ in ("VBZ", "VBD", "VBP", "MD"):
            return True
    return False


def _content_of(tok: Any) -> list[Any]:
    """What a verb credits: its clause, object or complement; for a tag after a statement, that statement."""
    content = [c for c in tok.children if c.dep_ in _CONTENT_DEPS or (c.dep_ == "prt" and c.lower_ == "out")]
    if tok.dep_ == "ccomp" or tok.dep_ == "parataxis" or _as_clause(tok):
        content.append(tok.head)  # "Already-queued orders won't leave idle capacity, Maróth said"
    return content


def _as_clause(tok: Any) -> bool:
    """A verb in an "as" clause on the statement it credits ("As the Post reported, the inspector general
    issued subpoenas", "..., as Clinton supporters point out")."""
    return tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)


def _only_quoted(content: list[Any], quoted: list[tuple[int, int]]) -> bool:
    body = [c for c in content if c.dep_ in ("ccomp", "dobj", "xcomp")]
    return bool(body) and all(_inside(c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text), quoted) for c in body)


def _credit_verb(tok: Any) -> str | None:
    """How a verb credits: "speech_verb" ('said', 'a study found'), "statement" ('issued a statement'),
    "stance" ('Kasich hopes to ...'), "that_clause" ('the attorney general is confirming that ...') or None."""
    if tok.lower_ not in _CREDIT_WORDS:
        # nearly every token: one lookup instead of the four below; any other verb credits only a clause
        if tok.pos_ != "VERB":
            return None
        if _that_clause(tok) and _held_by_someone(tok):
            return "that_clause"
        return "stance" if _about(tok) else None
    speech = is_speech_verb(tok) or _finding_verb(tok)
    issue = tok.lower_ in _ISSUE_VERBS and any(c.dep_ == "dobj" and c.lower_ in _STATEMENT for c in tok.children)
    if issue:
        return "statement"
    if speech:
        return "speech_verb"
    if tok.pos_ != "VERB":
        return None
    # The cheap test on the word first: this runs for every verb of a draft.
    how = "stance" if tok.lower_ in STANCE_VERBS else "that_clause" if _that_clause(tok) else None
    return how if how is not None and _held_by_someone(tok) else None


def _about(tok: Any) -> bool:
    """A person's or a group's words or thoughts about something, in any verb ("talked about the wall",
    "complained about the tender"); "against" names contests as often as stances ("ran against McCain")."""
    if tok.lower_ in _NOT_REPORTING or not any(c.dep_ == "prep" and c.lower_ == "about" for c in tok.children):
        return False
    subj = _holder(tok)
    return subj is not None and (subj.ent_type_ in ("PERSON", "NORP", "ORG") or subj.lower_ in _PEOPLE_PRONOUNS)


def _that_clause(tok: Any) -> bool:
    """A verb whose object is a that-clause ("is warning that ...", "indicated that ..."): reported speech or
    thought in any words, unless the verb only links or causes ("the point is that", "made sure that")."""
    if tok.lower_ in _NOT_REPORTING:
        return False
    return any(c.dep_ == "ccomp" and _a_statement(c) for c in tok.children)


def _a_statement(clause: Any) -> bool:
    """A clause that states something: "that ..." or a finite verb with its own subject ("found the deal was
    in breach")."""
    marks = [m.lower_ for m in clause.children if m.dep_ == "mark"]
    if marks:
        return marks == ["that"]
    finite = clause.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(a.tag_ == "MD" for a in clause.children)
    return finite and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in clause.children)


# Every word _credit_verb can read as a credit (is_speech_verb reads SPEECH_VERBS).
_CREDIT_WORDS = SPEECH_VERBS | _FINDING_VERBS | _ISSUE_VERBS | STANCE_VERBS
# Every word other than a verb that find_attributions' readers start from: "according to", "gave rise to", "in
# a poll", "by one estimate", a stance noun, a judged participle (the parser may tag any of them otherwise).
_CUE_WORDS = frozenset({"according", "rise", "in", "by"}) | _CREDIT_WORDS | _STANCE_NOUNS | _JUDGED | _STANCE_ADJECTIVES


def _holder(tok: Any) -> Any | None:
    """Who speaks or holds a stance: the verb's subject, or in the passive its agent ("attacked by Sanders")."""
    subj = subject_of(tok, passive=False)
    if subj is not None:
        return subj
    if tok.dep_ == "xcomp" and tok.head.dep_ == "acomp":
        return subject_of(tok.head.head, passive=False)  # "Sexton was quick to point out that ..."
    if tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ in ("PROPN", "NOUN"):
        return _author(tok.head) or tok.head  # "a complaint claiming that ...", "Caddell, speaking of ..."
    if tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("VERB", "AUX"):
        return subject_of(tok.head.head, passive=False)  # "She started off by emphasizing ..."
    agent = next((c for c in tok.children if c.dep_ == "agent"), None)
    by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    # "attacked by Sanders" names who attacked, and so does "is supported by far fewer publications" in a
    # passive clause; "encouraged by a psychotherapist", a participle, is no one's stance to check.
    clause = any(c.dep_ == "auxpass" for c in tok.children)
    # In a passive clause a share of people is an agent too ("criticized by some of his rivals", "backed by
    # nearly 6 in 10 liberals").
    return by if by is not None and (by.pos_ == "PROPN" or (clause and by.pos_ in _AGENTS)) else None


_AGENTS = frozenset({"NOUN", "PRON", "NUM", "DET", "ADJ"})


def _author(noun: Any) -> Any | None:
    """Who wrote a text a clause speaks through: "daily Népszava covered the story with a headline pointing
    out ..." is Népszava's headline."""
    if noun.lower_ not in _WRITINGS or noun.dep_ != "pobj" or noun.head.lower_ not in ("with", "in"):
        return None
    verb = noun.head.head
    return subject_of(verb, passive=False) if verb.pos_ in ("VERB", "AUX") else None


def _held_by_someone(tok: Any) -> bool:
    """A stance needs a holder: a person, a group or a pronoun for one, not "it" or a relative pronoun."""
    subj = _holder(tok)
    if subj is None or subj.lower_ in ("it", "this", "that", "which", "what", "there"):
        return False
    # "The criticisms echo in the industry": the writer's voice, with words as the subject, not a speaker.
    return subj.lower_.rstrip("s") not in _STANCE_NOUNS


def _credited_span(sc: SentenceContext, tok: Any, subj: Any, content: list[Any]) -> tuple[int, int]:
    """From the subject or the content, whichever comes first, to the end of the verb's content."""
    if tok.head.i != tok.i and (tok.dep_ in ("ccomp", "parataxis") or _as_clause(tok)):
        return sc.start, sc.end  # the verb is a tag on a statement: the whole sentence is credited
    lo = min([subj.left_edge.idx, tok.idx] + [c.left_edge.idx for c in content if c.i != tok.head.i])
    hi = max(t.right_edge.idx + len(t.right_edge.text) for t in [tok, *content] if t.i >= sc.sent.start)
    return max(lo, sc.start), min(hi, sc.end)


def _interviews_with_outlet(sc: SentenceContext) -> list[Finding]:
    """An outlet credited with an interview ("remarks to the AFP news service", "conversation with the FT")."""
    out: list[Finding] = []
    for m in _TO_OUTLET.finditer(sc.text):
        outlet = m.group("outlet").strip()
        if outlet.lower() in ("the", "press", "he", "she", "they"):
            continue
        span = sc.doc.char_span(sc.start + m.start("outlet"), sc.start + m.end(), alignment_mode="expand")
        if span is not None and any(t.ent_type_ == "PERSON" for t in span) or sc.ctx.full_name(outlet) != outlet:
            continue  # an interview with a person names the interviewee, not an outlet
        cue = m.group(0)[: m.start("outlet") - m.start()].removesuffix("the ").strip()
        out.append(_finding(sc, sc.start + m.start(), sc.start + m.end(), outlet, "source", "outlet", cue))
    return out
