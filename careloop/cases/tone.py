"""The tone check: judgmental or confrontational wording in a draft, each finding explained, with a kinder way.

It warns; the manager decides. `check_tone(text, language=None)` returns findings in text order, each with
the span it covers, the phrase, why it tends to hurt, and an alternative. The rules follow what
community-management guidance keeps repeating: don't blame ("you should have read the FAQ"), don't tell
people how to feel ("calm down"), don't lecture ("as I already said"), no sarcasm, no shouting (ALL CAPS,
"!!!"), no absolutes about the person ("you always"), no "us versus you people", no ultimatums.

English and German rules; `language=None` applies both (drafts are often mixed), "en" or "de" applies that
language's rules and the ones that do not depend on language (capitals, punctuation, emoji).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    span: tuple[int, int]  # [start, end) in the checked text
    phrase: str
    why: str
    alternative: str
    rule: str

    def as_dict(self) -> dict:
        return {"span": list(self.span), "phrase": self.phrase, "why": self.why, "alternative": self.alternative,
                "rule": self.rule}


@dataclass(frozen=True)
class Rule:
    name: str
    language: str  # "en", "de" or "" for any
    pattern: re.Pattern
    why: str
    alternative: str


def _r(name: str, language: str, patterns: list[str], why: str, alternative: str) -> Rule:
    body = "|".join(f"(?:{p})" for p in patterns)
    return Rule(name, language, re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE), why, alternative)


# Words that fill a gap of up to a few words, e.g. "you should [really] have".
_GAP = r"(?:\s+\w+){0,2}?"

RULES: list[Rule] = [
    # ---------------------------------------------------------------- English
    _r("blame", "en", [
        r"(?:it'?s|it is|that'?s|that is) (?:all )?(?:your|entirely your) (?:own )?fault",
        r"your (?:own )?fault",
        r"you should(?:'?ve| have)" + _GAP + r" (?:read|checked|known|looked|asked|backed|saved|waited|tested|"
        r"listened|updated|installed|kept)",
        r"you (?:shouldn'?t|should not|should never) have",
        r"if you (?:had|'d) (?:actually |bothered to )?(?:read|checked|looked|listened)",
        r"you (?:didn'?t|did not|failed to|never) (?:even )?(?:bother|read|check|follow|look)\w*",
        r"user error", r"pebkac", r"rtfm", r"read the (?:f\w*ing )?(?:manual|faq|docs|rules|instructions)",
        r"you (?:need|have) to (?:learn to )?read", r"(?:did|do) you (?:even|actually) (?:read|try)",
        r"you brought (?:this|it) on yourself", r"you only have yourself to blame",
    ], "It puts the blame on the member, who then defends themselves instead of working with you.",
        "Own the shared problem: \"Let's look at this together — here is where it's explained: …\""),
    _r("tell_feelings", "en", [
        r"calm down", r"relax", r"chill(?: out)?", r"settle down", r"take a deep breath",
        r"no need to (?:get|be) (?:so )?(?:upset|angry|worked up|rude|dramatic|emotional|aggressive)",
        r"(?:don'?t|stop) (?:being|be) so (?:sensitive|dramatic|emotional|negative|touchy)",
        r"(?:you'?re|you are) (?:over ?reacting|being (?:dramatic|unreasonable|ridiculous|hysterical|childish))",
        r"stop (?:complaining|whining|moaning|crying)", r"whin(?:e|ing|y)",
        r"(?:it'?s|it is|this is) not (?:a|that) big (?:of a )?deal", r"get over it", r"deal with it",
    ], "Telling someone how to feel dismisses their experience and usually makes them angrier.",
        "Acknowledge the feeling: \"I can see why this is frustrating — let's fix it.\""),
    _r("lecture", "en", [
        r"as I (?:have )?(?:already |just )?(?:said|stated|mentioned|explained|told you)(?: before| earlier)?",
        r"like I (?:already )?(?:said|told you)", r"I(?:'ve| have) already (?:told|explained|said)",
        r"as (?:already |previously )?(?:stated|mentioned|explained)(?: before| above| earlier)?",
        r"per my (?:last|previous) (?:message|email|post|reply)", r"for the (?:last|third|second|hundredth) time",
        r"how many times (?:do|must|have)", r"(?:let me|I'?ll) (?:say|explain) (?:it|this) (?:again|slowly)",
        r"(?:it'?s|it is|as is) clearly (?:stated|written|explained|documented)",
        r"it'?s not rocket science",
        r"it'?s (?:really |just |honestly )?not (?:that |so )?(?:hard|difficult|complicated)",
        r"(?:this is )?the (?:second|third|fourth|fifth|\w+th|same) (?:time|question) you(?:'ve| have)? "
        r"(?:ask|post|report|rais|bring)\w*",
        r"any (?:reasonable|sensible|normal) person", r"(?:which|as) (?:everyone|anyone) knows",
    ], "It sounds like a lecture and implies the member is slow.",
        "Explain once more without reference to before: \"Here's how it works: …\""),
    _r("sarcasm", "en", [
        r"/s", r"yeah,? right", r"good luck with that", r"thanks for nothing", r"nice try",
        r"congratulations,? (?:you|on)", r"bless your heart", r"with all due respect", r"genius",
        r"sure(?:,| thing,?) (?:buddy|pal|whatever)", r"whatever(?:[.!]|\s*$)", r"(?:wow|oh),? (?:just )?wow",
        r"oh (?:really|sure|great|wonderful|please)", r"(?:obviously|clearly) you", r"seriously\s*\?",
        r"sorry (?:that |if )?you feel (?:that way|like that|this way)",
        r"sorry if you (?:were|felt|got) (?:offended|upset)",
        r"you (?:obviously|clearly) (?:didn'?t|did not|haven'?t|have not|don'?t|do not)",
        r"(?:what a )?surprise,? surprise", r"cry me a river", r"boo hoo",
    ], "Sarcasm reads as contempt in writing; the member cannot hear a friendly tone.",
        "Say what you mean plainly and warmly: \"I understand — here's what we can do.\""),
    _r("absolute", "en", [
        r"you (?:always|constantly|never)(?! (?:need|have) to)", r"every (?:single )?time you",
        r"you(?:'re| are) (?:always|never|constantly)", r"you(?:'re| are) the only one",
        r"(?:nobody|no one) else (?:has|is|seems)",
    ], "Absolutes about the person turn one problem into a judgement of their character.",
        "Speak about this one situation: \"This time, …\" or \"In this case, …\""),
    _r("us_versus_you", "en", [
        r"you people", r"people like you", r"(?:not|isn'?t) (?:our|my) (?:problem|fault|job|responsibility)",
        r"nothing (?:we|I) can do", r"that'?s (?:just )?(?:how|the way) it is", r"take it or leave it",
        r"if you don'?t like it", r"(?:feel free|you'?re free|you are free) to leave", r"or else",
        r"(?:don'?t|do not) (?:let the door hit you|waste (?:my|our) time)",
        r"(?:this|that) is your (?:last|final) warning",
        r"honey", r"sweetie", r"sweetheart", r"kiddo",
    ], "It draws a line between \"us\" and the member, or talks down to them.",
        "Stand on the member's side: \"I'll find out who can help with this.\""),
    _r("dismissive", "en", [
        r"(?:this|that|it|your \w+) (?:is|was|'s|sounds) (?:(?:just|a bit|really|frankly|honestly|pretty) )?"
        r"(?:ridiculous|absurd|pointless|silly|petty|nonsense|trivial|laughable|childish|drama)",
        r"(?:a |this |that )?(?:ridiculous|silly|petty|pointless|trivial|childish) (?:thing|complaint|post|"
        r"question|request|issue|rant)", r"(?:such|this|that|what) (?:kind of )?(?:nonsense|drama|rubbish|"
        r"garbage|a rant)",
        r"(?:waste|wasting|wasted) (?:of )?(?:my|our|everyone'?s) time", r"not worth (?:my|our|the) time",
        r"(?:stop|quit) (?:spamming|ranting|trolling|posting)", r"grow up", r"get a life", r"get a grip",
    ], "It belittles the member's concern; people who feel brushed off come back louder.",
        "Take the concern seriously: \"Thanks for flagging this — here's what I found.\""),
    # ---------------------------------------------------------------- German
    _r("blame", "de", [
        r"(?:du bist|sie sind|bist du|sind sie) selbst schuld", r"selber schuld", r"selbst schuld",
        r"(?:deine|ihre) (?:eigene )?schuld",
        r"(?:du hättest|sie hätten|hättest du|hätten sie)(?:\s+\w+){0,3}? (?:lesen|gelesen|schauen|geschaut|"
        r"prüfen|geprüft|fragen|gefragt|wissen|aufpassen|aufgepasst)\w*",
        r"(?:lies|lest|lesen sie) (?:doch |erst |erstmal |mal |bitte |einfach )*(?:die|das|den) "
        r"(?:faq|anleitung|handbuch|regeln|doku\w*)",
        r"wer lesen kann",
        r"(?:du hättest|sie hätten|hättest du|hätten sie)(?:\s+\w+){0,5}? (?:sollen|müssen)\b",
        r"(?:du hast|sie haben) (?:wohl |offensichtlich |halt )?nicht (?:richtig )?"
        r"(?:gelesen|aufgepasst|zugehört)", r"bedienfehler", r"anwenderfehler",
    ], "Das schiebt dem Mitglied die Schuld zu; es verteidigt sich, statt mit dir zusammenzuarbeiten.",
        "Das Problem gemeinsam angehen: \"Lass uns das zusammen anschauen — hier steht, wie es geht: …\""),
    _r("tell_feelings", "de", [
        r"beruhig(?:e|en sie)? dich", r"beruhigen sie sich", r"reg dich (?:nicht so )?(?:ab|auf)",
        r"regen sie sich (?:nicht so )?(?:ab|auf)", r"komm (?:mal )?runter", r"chill mal",
        r"stell dich nicht so an", r"sei nicht so empfindlich", r"(?:nicht|kein grund,?) so (?:empfindlich|"
        r"dramatisch|aufgeregt)", r"übertreib(?:st du| nicht| mal nicht)", r"(?:du )?übertreibst",
        r"hör (?:auf|doch auf) zu (?:jammern|meckern|heulen)", r"jammer(?:n|st|t|ei)?", r"gemecker", r"rumheulen",
        r"(?:ist|das ist) (?:doch )?(?:nicht so schlimm|keine große sache)",
    ], "Jemandem zu sagen, wie er sich fühlen soll, wischt sein Erleben weg und macht meist wütender.",
        "Das Gefühl anerkennen: \"Ich verstehe, dass das ärgerlich ist — lass uns das lösen.\""),
    _r("lecture", "de", [
        r"wie (?:ich )?(?:bereits|schon|vorhin) (?:gesagt|geschrieben|erwähnt|erklärt)",
        r"wie (?:ich )?(?:bereits |schon )?(?:mehrfach|mehrmals|oft|x-mal) (?:gesagt|geschrieben|erwähnt|erklärt)",
        r"wie (?:ich )?(?:bereits|schon) (?:sagte|schrieb)", r"ich habe (?:es )?(?:dir |ihnen )?(?:doch )?"
        r"(?:bereits|schon) (?:gesagt|erklärt|geschrieben)", r"zum (?:letzten|x-ten|hundertsten|dritten) mal",
        r"wie oft (?:denn )?noch", r"(?:ist|steht) doch (?:klar |eindeutig )?(?:beschrieben|erklärt|da)",
        r"(?:ist|das ist) (?:doch )?(?:nicht so schwer|kein hexenwerk|keine raketenwissenschaft)",
        r"das weiß doch jeder", r"jeder normale mensch",
    ], "Das klingt nach Belehrung und unterstellt, das Mitglied sei begriffsstutzig.",
        "Noch einmal erklären, ohne auf vorher zu verweisen: \"So funktioniert es: …\""),
    _r("sarcasm", "de", [
        r"na (?:toll|super|prima|klasse|bravo)", r"viel glück damit", r"danke für nichts", r"ja klar",
        r"schon klar", r"netter versuch", r"tut mir leid,? (?:dass|wenn) (?:du|sie) (?:das|es) so (?:siehst|sehen|"
        r"empfindest|empfinden)", r"herzlichen glückwunsch,? (?:du|sie)", r"bei allem respekt",
        r"offensichtlich (?:hast du|haben sie|nicht)", r"(?:du|sie) (?:hast|haben) (?:es )?offensichtlich nicht",
    ], "Sarkasmus wirkt geschrieben wie Verachtung; der freundliche Ton kommt nicht an.",
        "Klar und freundlich sagen, was du meinst: \"Ich verstehe — das können wir tun: …\""),
    _r("absolute", "de", [
        r"(?:du|sie) (?:bist|sind|hast|haben|machst|machen|willst|wollen|musst|müssen|fragst|beschwerst dich|"
        r"beschweren sich|meckerst|liest|lesen) (?:auch )?(?:immer|ständig|nie|niemals|dauernd)",
        r"(?:immer|ständig|dauernd) (?:beschwerst|meckerst|jammerst|fragst) du",
        r"immer (?:musst du|müssen sie)", r"jedes (?:einzelne )?mal",
        r"(?:du bist|sie sind) (?:der|die|das) einzige", r"(?:niemand|keiner) sonst",
    ], "Absolute Aussagen über die Person machen aus einem Problem ein Urteil über den Charakter.",
        "Über diese eine Situation sprechen: \"In diesem Fall …\""),
    _r("us_versus_you", "de", [
        r"ihr leute", r"leute wie (?:du|dich|sie)", r"nicht (?:unser|mein) problem",
        r"(?:da|dagegen) kann man nichts machen", r"(?:das )?ist (?:halt|eben) so", r"friss oder stirb",
        r"(?:dann|du kannst ja|sie können ja) (?:geh|gehen|woanders hin)\w*", r"dann geh doch",
        r"(?:das ist )?(?:deine|ihre) letzte warnung", r"schätzchen",
    ], "Das zieht eine Linie zwischen \"uns\" und dem Mitglied oder redet von oben herab.",
        "Auf der Seite des Mitglieds stehen: \"Ich finde heraus, wer dabei helfen kann.\""),
    _r("dismissive", "de", [
        r"(?:das|dies|es) (?:ist|war|klingt) (?:(?:doch|ja|echt|wirklich|einfach|total|ziemlich) )*"
        r"(?:lächerlich|albern|kindisch|unsinn|quatsch|blödsinn|kleinkariert|kinderkram|ein witz)",
        r"(?:so ein|so einen|was für ein|solche[rsn]?) (?:unsinn|quatsch|blödsinn|theater|drama|kinderkram|"
        r"gejammer|geheule)", r"lächerlich\w*",
        r"(?:verschwende|verschwendest|verschwendet) (?:unsere|meine) zeit", r"zeitverschwendung",
        r"(?:hör|hört) (?:auf|doch auf) (?:zu spammen|zu trollen|rumzuspammen)", r"werd(?:e|et)? erwachsen",
    ], "Das tut das Anliegen des Mitglieds als nichtig ab; wer sich abgewimmelt fühlt, wird lauter.",
        "Das Anliegen ernst nehmen: \"Danke für den Hinweis — das habe ich herausgefunden: …\""),
    # ---------------------------------------------------------------- any language
    Rule("shouting_punctuation", "", re.compile(r"[!?]*(?:!{2,}|\?{2,}|\?!|!\?)[!?]*"),
         "Several exclamation or question marks read as shouting or exasperation.",
         "One full stop or one question mark is enough."),
    Rule("eye_roll", "",
         re.compile(r"🙄|😒|🤦(?:\u200d[♂♀]\ufe0f?)?|🤷|:roll_?eyes:|\*sigh\*|\*seufz\*", re.IGNORECASE),
         "An eye-roll or a sigh tells the member they are a nuisance.", "Leave it out."),
]

# Capitals that are names, not shouting.
ACRONYMS = frozenset("""
FAQ FAQS API URL HTTP HTTPS SSL TLS DNS VPN PDF CSV JSON HTML CSS USB RAM CPU GPU SSD HDD ID IDS PIN OK OKAY
IOS MAC PC TV GDPR DSGVO AGB USA EU UK CEO CTO IT HR QA UI UX SMS MMS APP CET CEST UTC GMT AM PM ETA
ASAP FYI DM PM IBAN BIC SEPA PAYPAL NAS WLAN WIFI LAN IP ISP SMTP IMAP POP TOS SLA AWS SDK CLI
""".split())
_CAPS_WORD = re.compile(r"\b[A-ZÄÖÜ]{2,}\b")


def _shouting(text: str) -> list[Finding]:
    """ALL CAPS: a word of four or more capitals, or two capital words in a row (acronyms excepted)."""
    findings = []
    words = [m for m in _CAPS_WORD.finditer(text) if m.group() not in ACRONYMS]
    used: set[int] = set()
    for i, m in enumerate(words):
        if i in used:
            continue
        run = [m]
        j = i + 1
        while j < len(words) and text[run[-1].end():words[j].start()].strip(" ,.!?-") == "":
            run.append(words[j])
            j += 1
        if len(run) >= 2 or len(m.group()) >= 4:
            used.update(range(i, j))
            start, end = run[0].start(), run[-1].end()
            findings.append(Finding((start, end), text[start:end], "Capitals read as shouting.",
                                    "Write it in normal case; make a point with words, not volume.", "all_caps"))
    return findings


MAX_CHECKED_CHARS = 10_000  # a private message is at most this long (the API's and the composer's limit)
MAX_FINDINGS = 50  # more says nothing a manager can use, and a pasted novel must not make megabytes of advice


def check_tone(text: str, language: str | None = None) -> list[Finding]:
    """Findings in `text` (its first MAX_CHECKED_CHARS characters), in order of where they start, at most
    MAX_FINDINGS. Empty when the draft reads kindly."""
    text = text[:MAX_CHECKED_CHARS]
    lang = (language or "").split("-")[0].lower()
    findings = []
    for rule in RULES:
        if rule.language and lang in ("en", "de") and rule.language != lang:
            continue
        for m in rule.pattern.finditer(text):
            if m.end() > m.start():
                findings.append(Finding((m.start(), m.end()), m.group(), rule.why, rule.alternative, rule.name))
    findings.extend(_shouting(text))
    findings.sort(key=lambda f: (f.span[0], -f.span[1]))
    kept: list[Finding] = []
    for f in findings:  # a finding inside another one says nothing new
        if kept and f.span[1] <= kept[-1].span[1]:
            continue
        kept.append(f)
    return kept[:MAX_FINDINGS]
