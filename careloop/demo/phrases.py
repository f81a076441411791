"""Phrase banks for the demo community (careloop.demo.generate).

Templates use `{slot}` for values the generator fills in and `{a|b|c}` for a choice among alternatives
(an empty alternative is allowed: `{|really }`). A slot written with a capital first letter (`{Symptom}`)
is the same slot with its first letter capitalised. Everything here is plain data: lists and dicts only,
so that the generator's choices depend on nothing but its seeded random number generator.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------------- people

EN_FIRST = [
    "Emily",
    "James",
    "Olivia",
    "Daniel",
    "Sophie",
    "Michael",
    "Hannah",
    "Chris",
    "Rachel",
    "Ben",
    "Laura",
    "David",
    "Megan",
    "Ryan",
    "Karen",
    "Mark",
    "Lucy",
    "Kevin",
    "Amy",
    "Steve",
    "Natalie",
    "Paul",
    "Grace",
    "Andrew",
    "Holly",
    "Matt",
    "Fiona",
    "Dylan",
    "Maria",
    "Jake",
    "Rosa",
    "Aaron",
    "Heather",
    "Nick",
    "Ellie",
    "Owen",
    "Carol",
    "Greg",
    "Tasha",
    "Luis",
    "Mei",
    "Arjun",
    "Fatima",
    "Kenji",
    "Sinead",
    "Callum",
    "Brianna",
    "Marcus",
    "Dana",
    "Harriet",
    "Theo",
    "Imogen",
    "Wes",
]
EN_LAST = [
    "Thompson",
    "Walsh",
    "Patel",
    "Brooks",
    "Murphy",
    "Chen",
    "Reyes",
    "Campbell",
    "Hughes",
    "Foster",
    "Kim",
    "Doyle",
    "Bennett",
    "Ward",
    "Sullivan",
    "Price",
    "Barnes",
    "Fraser",
    "Nguyen",
    "Coleman",
    "Hayes",
    "Ross",
    "Perry",
    "Lowe",
    "Grant",
    "Shaw",
    "Ellis",
    "Mason",
    "Kaur",
    "Quinn",
    "Byrne",
    "Lawson",
    "Fleming",
    "Harper",
    "Rhodes",
    "Okoye",
    "Silva",
    "Jensen",
    "Marsh",
    "Dunn",
    "Carver",
    "Iqbal",
    "Ortega",
    "Whitfield",
    "Pearce",
    "Novak",
    "Lindsay",
    "Adeyemi",
    "Gallo",
    "Tanaka",
]
DE_FIRST = [
    "Jürgen",
    "Sabine",
    "Thomas",
    "Katrin",
    "Stefan",
    "Julia",
    "Andreas",
    "Monika",
    "Markus",
    "Claudia",
    "Florian",
    "Nicole",
    "Tobias",
    "Petra",
    "Sebastian",
    "Anja",
    "Matthias",
    "Birgit",
    "Jan",
    "Svenja",
    "Uwe",
    "Heike",
    "Christoph",
    "Lena",
    "Dirk",
    "Carina",
    "Björn",
    "Ute",
    "Felix",
    "Miriam",
    "Henrik",
    "Gisela",
    "Timo",
    "Franziska",
    "Wolfgang",
    "Anna",
    "Jörg",
    "Melanie",
    "Kai",
    "Renate",
]
DE_LAST = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Vogel",
    "Jäger",
    "Seidel",
    "Gruber",
    "Steiner",
    "Moser",
    "Baumgartner",
    "Ostermann",
    "Petersen",
    "Albrecht",
]
HANDLE_WORDS = [
    "shutterbug",
    "pixelpete",
    "fotofee",
    "slowshutter",
    "bokehqueen",
    "lensflare",
    "nightowl",
    "framefan",
    "gardenlight",
    "tidepool",
    "kaffeetante",
    "elbsegler",
    "wanderlust",
    "oldprints",
    "grainyfilm",
    "sunnyside",
    "nordlicht",
    "bergziege",
    "polaroidpapa",
    "dogdad",
    "catmum",
]
EN_CITIES = [
    "Leeds",
    "Bristol",
    "Manchester",
    "Glasgow",
    "Dublin",
    "Cork",
    "Toronto",
    "Austin",
    "Portland",
    "Denver",
    "Boston",
    "Melbourne",
    "Brighton",
    "Cardiff",
    "Chicago",
    "Seattle",
    "Edinburgh",
    "Vancouver",
    "Minneapolis",
    "Norwich",
    "Halifax",
    "Sheffield",
]
DE_CITIES = [
    "Leipzig",
    "Hamburg",
    "Köln",
    "München",
    "Dresden",
    "Bremen",
    "Stuttgart",
    "Nürnberg",
    "Wien",
    "Graz",
    "Zürich",
    "Bern",
    "Freiburg",
    "Kiel",
    "Münster",
    "Hannover",
    "Mainz",
    "Rostock",
    "Linz",
    "Augsburg",
]
ANDROID_PHONES = [
    "Pixel 8",
    "Pixel 9",
    "Pixel 9 Pro",
    "Pixel 10",
    "Pixel 7a",
    "Galaxy S24",
    "Galaxy S25",
    "Galaxy A55",
    "Galaxy A35",
    "OnePlus 12",
    "Xiaomi 14T",
    "Motorola Edge 50",
    "Nothing Phone (2a)",
    "Fairphone 5",
    "Sony Xperia 10 VI",
]
IPHONES = ["iPhone 13 mini", "iPhone 14", "iPhone 15", "iPhone 15 Pro", "iPhone 16", "iPhone SE", "iPhone 17"]
ANDROID_OS = ["Android 15", "Android 16", "Android 16"]
IOS = ["iOS 26", "iOS 26.1", "iOS 18"]
FRAMES = ["Frame 10", "Frame 10", "Frame 15", "Frame Mini"]

# Members every community has: staff, the clique of friends, the two trolls and a few with names that
# exercise Unicode handling (a combining diaeresis, a right-to-left script).
FIXED_MEMBERS = [
    {
        "key": "staff-maya",
        "name": "Maya Lindqvist",
        "handle": "maya_lumen",
        "language": "en",
        "speaks": ["en"],
        "role": "staff",
        "tz": 1,
        "city": "Stockholm",
    },
    {
        "key": "staff-ravi",
        "name": "Ravi Menon",
        "handle": "ravi_lumen",
        "language": "en",
        "speaks": ["en"],
        "role": "staff",
        "tz": 0,
        "city": "London",
    },
    {
        "key": "staff-jonas",
        "name": "Jonas Weber",
        "handle": "jonas_lumen",
        "language": "de",
        "speaks": ["de", "en"],
        "role": "staff",
        "tz": 2,
        "city": "Berlin",
    },
    {
        "key": "clique-priya",
        "name": "Priya Nair",
        "handle": "priya_n",
        "language": "en",
        "speaks": ["en"],
        "role": "clique",
        "tz": 1,
        "city": "London",
    },
    {
        "key": "clique-tom",
        "name": "Tom Gallagher",
        "handle": "tomg",
        "language": "en",
        "speaks": ["en"],
        "role": "clique",
        "tz": 1,
        "city": "Dublin",
    },
    {
        "key": "clique-jess",
        "name": "Jess Moreno",
        "handle": "jess.moreno",
        "language": "en",
        "speaks": ["en"],
        "role": "clique",
        "tz": 1,
        "city": "Bristol",
    },
    {
        "key": "clique-lukas",
        "name": "Lukas Brandt",
        "handle": "lukas_b",
        "language": "de",
        "speaks": ["de", "en"],
        "role": "clique",
        "tz": 2,
        "city": "Hamburg",
    },
    {
        "key": "clique-sam",
        "name": "Sam Okafor",
        "handle": "samo",
        "language": "en",
        "speaks": ["en"],
        "role": "clique",
        "tz": 1,
        "city": "Manchester",
    },
    {
        "key": "clique-chloe",
        "name": "Chloe Martin",
        "handle": "chloe_m",
        "language": "en",
        "speaks": ["en"],
        "role": "clique",
        "tz": 1,
        "city": "Brighton",
    },
    {
        "key": "troll-en",
        "name": "Gary Pratt",
        "handle": "truthteller_gary",
        "language": "en",
        "speaks": ["en"],
        "role": "troll",
        "tz": -5,
        "city": "Columbus",
    },
    {
        "key": "troll-de",
        "name": "Ralf Kessler",
        "handle": "klartext_ralf",
        "language": "de",
        "speaks": ["de"],
        "role": "troll",
        "tz": 2,
        "city": "Kassel",
    },
    {
        "key": "zoe",
        "name": "Zoe\u0308 Laurent",
        "handle": "zoe_l",
        "language": "en",
        "speaks": ["en"],
        "role": "regular",
        "tz": 1,
        "city": "Montre\u0301al",
    },
    {
        "key": "noa",
        "name": "Noa Levi",
        "handle": "noa.levi",
        "language": "en",
        "speaks": ["en"],
        "role": "regular",
        "tz": 2,
        "city": "Haifa",
    },
]

EMOJI = {
    "pos": ["🙂", "😊", "😄", "👍", "🙌", "🎉", "❤️", "😍", "📸", "✨", "🙏", "😅"],
    "neg": ["😕", "😞", "🙄", "😤", "😡", "🤦", "😩", "😬"],
    "neutral": ["🙂", "🤔", "😅", "👀", "🤷", "😬"],
}
SIGNOFFS = {
    "en": ["Cheers, {me}", "Thanks, {me}", "– {me}", "{me}", "Best, {me}", "Regards,\n{me}"],
    "de": ["LG {me}", "Grüße, {me}", "VG {me}", "Viele Grüße\n{me}", "– {me}", "Gruß {me}"],
}

# ---------------------------------------------------------------------------------------- small words

WORDS = {
    "en": {
        "weekdays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "months": ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"],
        "long_months": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
    },
    "de": {
        "weekdays": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
        "months": ["1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9.", "10.", "11.", "12."],
        "long_months": [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
    },
}

FILL = {
    "en": {
        "frame_content": [
            "our Portugal trip from the summer",
            "baby photos of my nephew",
            "old slides my dad scanned",
            "the dog, about 90% of the time",
            "my garden through the seasons",
            "a random mix from 2019",
            "wedding photos from my sister's big day",
            "sunsets, lots of sunsets",
            "the kids' drawings",
            "a 'this week ten years ago' album",
            "hiking photos from the Lake District",
            "autumn leaves",
            "my grandparents' old black-and-white prints",
            "the cat judging everyone",
        ],
        "place": [
            "the canal",
            "the harbour",
            "the old town",
            "the botanical gardens",
            "the beach",
            "the park",
            "the market hall",
            "the riverside",
            "the cemetery on the hill",
            "the lighthouse",
        ],
        "pet": ["dog", "cat", "rabbit", "puppy", "old tomcat", "hamster", "border collie"],
        "petname": ["Biscuit", "Luna", "Milo", "Pepper", "Otto", "Mochi", "Rosie", "Bruno", "Nala", "Ziggy"],
        "camera": [
            "Fuji X100V",
            "Canon R8",
            "Ricoh GR",
            "Sony A7 III",
            "Lumix G9",
            "Pentax K-70",
            "Nikon Z5",
        ],
        "activity": [
            "a photo walk if the weather holds",
            "sorting last summer's photos, finally",
            "visiting my parents and fixing their frame",
            "the farmers' market and a long lunch",
            "a hike, then sofa",
            "painting the hallway, send help",
            "a birthday party for my niece",
            "absolutely nothing, and I can't wait",
        ],
        "food": ["banana bread", "pumpkin soup", "a very ambitious lasagne", "cinnamon buns", "ramen"],
        "show": [
            "the new detective series",
            "the baking show",
            "that Icelandic crime drama",
            "the space documentary",
        ],
        "theme": ["reflections", "doors", "colour pop", "shadows", "street food", "windows", "symmetry",
                  "something blue", "hands"],
        "month": ["June", "July", "August", "May", "September"],
        "partner": ["partner", "wife", "husband", "sister", "dad", "mum"],
    },
    "de": {
        "frame_content": [
            "unser Portugal-Urlaub vom Sommer",
            "Babyfotos meiner Nichte",
            "alte Dias, die mein Vater gescannt hat",
            "der Hund, gefühlt 90 % der Zeit",
            "der Garten durchs Jahr",
            "ein bunter Mix aus 2019",
            "die Hochzeitsfotos meiner Schwester",
            "Sonnenuntergänge, sehr viele",
            "Kinderzeichnungen",
            "ein Album 'heute vor zehn Jahren'",
            "Wanderbilder aus den Alpen",
            "Herbstlaub",
            "alte Schwarzweißfotos meiner Großeltern",
            "die Katze, die alle kritisch anschaut",
        ],
        "place": [
            "am Hafen",
            "in der Altstadt",
            "im Botanischen Garten",
            "an der Elbe",
            "im Stadtpark",
            "auf dem Wochenmarkt",
            "am See",
            "an der Ostsee",
            "im Schrebergarten",
            "auf dem Dachboden",
        ],
        "pet": ["Hund", "Kater", "Hamster", "Welpe", "Wellensittich", "Dackel", "Hund"],
        "petname": ["Bello", "Luna", "Krümel", "Mia", "Otto", "Paula", "Rocky", "Frieda", "Motte", "Balu"],
        "camera": [
            "Fuji X100V",
            "Canon R8",
            "Ricoh GR",
            "Sony A7 III",
            "Lumix G9",
            "Pentax K-70",
            "Nikon Z5",
        ],
        "activity": [
            "eine Fototour, wenn das Wetter hält",
            "endlich die Sommerfotos sortieren",
            "meine Eltern besuchen und deren Rahmen einrichten",
            "Wochenmarkt und langes Frühstück",
            "wandern und dann Sofa",
            "Flur streichen, helft mir",
            "Kindergeburtstag bei meiner Nichte",
            "gar nichts, und ich freue mich drauf",
        ],
        "food": ["Bananenbrot", "Kürbissuppe", "Zwiebelkuchen", "Zimtschnecken", "Pflaumenkuchen"],
        "show": ["den neuen Tatort", "die Backshow", "die isländische Krimiserie", "die Weltraum-Doku"],
        "theme": ["Spiegelungen", "Türen", "Farbtupfer", "Schatten", "Streetfood", "Fenster", "Symmetrie",
                  "etwas Blaues", "Hände"],
        "month": ["Juni", "Juli", "August", "Mai", "September"],
        "partner": ["Frau", "Schwester", "Mutter", "Freundin", "Partnerin", "Tochter"],
    },
}

# ------------------------------------------------------------------------------------ conversation bits

GREET = {
    "en": [
        "Hi all,",
        "Hey everyone!",
        "Hello,",
        "Hi there,",
        "Morning all.",
        "Hi folks,",
        "Hey,",
        "Hi everyone, first post here.",
        "Evening all,",
        "Hello community,",
    ],
    "de": [
        "Hallo zusammen,",
        "Hi,",
        "Moin!",
        "Servus,",
        "Guten Morgen,",
        "Hallo in die Runde,",
        "Hallo ihr Lieben,",
        "N'Abend,",
        "Grüezi,",
        "Hallo allerseits,",
    ],
}
CHAT_GREET = {
    "en": ["hey all,", "quick q:", "hi!", "anyone around?", "morning!", "hey,", "question:"],
    "de": ["hi,", "kurze frage:", "moin,", "hallo!", "jemand da?", "servus,", "frage:"],
}
Q_OPEN = {
    "en": [
        "Quick question:",
        "Probably a dumb question, but",
        "Hoping someone here knows:",
        "Not sure this is the right category, but",
        "Sorry if this was asked before:",
        "",
    ],
    "de": [
        "Kurze Frage:",
        "Vielleicht eine doofe Frage:",
        "Weiß jemand von euch:",
        "Sorry, falls das schon mal gefragt wurde:",
        "Bin mir nicht sicher, ob das hier richtig ist:",
        "",
    ],
}
Q_CLOSE = {
    "en": [
        "Thanks in advance!",
        "Any ideas?",
        "Cheers!",
        "Thanks!",
        "Appreciate any help.",
        "TIA",
        "Thanks for reading.",
        "Any pointers welcome.",
        "",
    ],
    "de": [
        "Danke schon mal!",
        "Vielen Dank im Voraus.",
        "Hat jemand eine Idee?",
        "Danke euch!",
        "Bin für jeden Tipp dankbar.",
        "Danke fürs Lesen.",
        "",
    ],
}
ANSWER_PRE = {
    "en": [
        "{Yes|Yep}, that works. ",
        "Easy one :) ",
        "I had the same question last {week|month}. ",
        "If I remember right, ",
        "Hi {name}! ",
        "Good question. ",
        "",
        "",
        "",
    ],
    "de": [
        "Ja, das geht. ",
        "Das ist einfach :) ",
        "Hatte ich letzte {Woche|Woche auch|n Monat}. ",
        "Wenn ich mich richtig erinnere: ",
        "Hallo {name}! ",
        "Gute Frage. ",
        "",
        "",
        "",
    ],
}
STAFF_ANSWER_PRE = {
    "en": ["Hi {name}! ", "Good question. ", "Thanks for asking. ", "", ""],
    "de": ["Hallo {name}! ", "Gute Frage. ", "Danke für die Frage. ", "", ""],
}
ANSWER_POST = {
    "en": [
        "Hope that helps!",
        "Let us know if it works.",
        "Works fine for me on my {device}.",
        "Took me ages to find that too.",
        "Shout if you get stuck.",
        "",
        "",
        "",
    ],
    "de": [
        "Hoffe, das hilft!",
        "Sag Bescheid, ob's klappt.",
        "Bei mir klappt das so auf dem {device}.",
        "Hab das auch ewig gesucht.",
        "Melde dich, wenn's hakt.",
        "",
        "",
        "",
    ],
}
THANKS = {
    "en": [
        "That worked, thank you!",
        "Perfect, found it. Thanks {name}!",
        "Ah, so simple. Thanks a lot.",
        "Thank you both, sorted now.",
        "Brilliant, cheers {name}!",
        "Oh wow, how did I miss that. Thanks!",
        "Done and working. You're a star, {name}.",
        "Great, that's exactly what I needed.",
        "Thanks! Just tried it and it's fine now.",
        "Legend. Thank you.",
        "Found it, thanks for the quick help!",
        "Works a treat, thanks {name}.",
        "Much appreciated, that did it.",
    ],
    "de": [
        "Hat geklappt, danke!",
        "Super, gefunden. Danke {name}!",
        "Ach, so einfach. Vielen Dank!",
        "Danke euch beiden, jetzt läuft's.",
        "Klasse, danke {name}!",
        "Oh Mann, wie konnte ich das übersehen. Danke!",
        "Erledigt und funktioniert. Du bist spitze, {name}.",
        "Genau das habe ich gesucht, danke.",
        "Danke! Gerade ausprobiert, passt jetzt.",
        "Top, vielen Dank.",
        "Gefunden, danke für die schnelle Hilfe!",
        "Läuft, danke {name}.",
        "Besten Dank, das war's.",
    ],
}
FOLLOW_GENERIC = {
    "en": [
        (
            "Hm, I don't see that option. Do I need the latest version?",
            "Yes, it was added in 3.1, so update the app first.",
        ),
        ("Is that on iOS too, or only Android?", "Both, the menus are just in slightly different places."),
        ("Does that work from the web app as well?", "Yep, same option under Settings on the web."),
    ],
    "de": [
        (
            "Hm, die Option sehe ich nicht. Brauche ich die neueste Version?",
            "Ja, das kam mit 3.1, also erst die App aktualisieren.",
        ),
        ("Geht das auch unter iOS oder nur Android?", "Beides, nur die Menüs sind etwas anders angeordnet."),
        ("Geht das auch in der Web-App?", "Ja, gleiche Option unter Einstellungen im Browser."),
    ],
}
CHATTER = {
    "en": [
        "Good to know, I didn't know that either.",
        "Bookmarking this thread.",
        "TIL. Thanks for asking, {name}.",
        "Same question was on my list, thanks!",
        "This forum is so much faster than the help pages.",
        "Ha, I've been doing it the hard way for a year.",
    ],
    "de": [
        "Gut zu wissen, kannte ich auch nicht.",
        "Thread gemerkt.",
        "Wieder was gelernt. Danke fürs Fragen, {name}.",
        "Die Frage hatte ich auch auf dem Zettel, danke!",
        "Hier geht's echt schneller als mit der Hilfeseite.",
        "Haha, ich mache das seit einem Jahr umständlich.",
    ],
}

# --------------------------------------------------------------------------------------- how-to topics

QUESTIONS = {
    "share-album": {
        "channel": "support",
        "en": {
            "title": [
                "How do I share an album with family who don't use Lumen?",
                "Sharing an album with my parents (no account)?",
                "Share link without the app?",
            ],
            "ask": [
                "{Is there a way to|Can I} share an album with my "
                "{parents|mum|in-laws|sister} without them "
                "{installing the app|making an account}? They just want to see the "
                "{holiday|wedding|baby|garden} photos.",
                "What's the easiest way to share one album with {family|a few relatives}? "
                "{Half of them|Most of them} {won't install anything|are not very techy}.",
                "I want to send our {summer|wedding|Christmas} album to {my grandma|relatives abroad}. "
                "Do they need an account to view it?",
            ],
            "answer": [
                "Open the album, tap {Share|the share icon} > {Create link|Link}. Anyone with "
                "the link can view it "
                "in the browser, no account needed. You can {add a password|set an expiry "
                "date} under link options.",
                "{Yep|Yes}, shared links work without an account. Album > ⋯ > Share > Create "
                "link. {I'd set an "
                "expiry date if it's private stuff.|Turn off 'allow downloads' if you don't "
                "want them saving everything.}",
                "Use a link rather than inviting them. Invites need an account, links don't. "
                "{It's under Share in the album menu.|Album menu > Share > Create link.}",
            ],
            "follow": [
                ("Does the link also show videos, or only photos?", "Videos too, they play in the browser."),
                ("Can I see who opened the link?", "Not who, but the link settings show a view count."),
                (
                    "And if I add photos later, do they show up automatically?",
                    "Yes, the link always shows what's in the album right now.",
                ),
            ],
        },
        "de": {
            "title": [
                "Album mit Familie teilen, die kein Lumen hat?",
                "Album für meine Eltern freigeben (ohne Konto)?",
                "Link teilen ohne App?",
            ],
            "ask": [
                "Kann ich ein Album mit meinen {Eltern|Schwiegereltern|Großeltern} teilen, "
                "ohne dass die "
                "{die App installieren|ein Konto anlegen} müssen? Die wollen nur die "
                "{Urlaubs|Hochzeits|Baby}fotos sehen.",
                "Wie teile ich am einfachsten ein einzelnes Album mit der {Familie|Verwandtschaft}? "
                "{Die Hälfte installiert sicher nichts|Die meisten sind nicht so technikaffin}.",
                "Ich möchte unser {Sommer|Hochzeits|Weihnachts}album an {meine Oma|Verwandte "
                "im Ausland} schicken. "
                "Brauchen die ein Konto zum Anschauen?",
            ],
            "answer": [
                "Album öffnen, auf {Teilen|das Teilen-Symbol} > Link erstellen. Jeder mit dem "
                "Link kann es im Browser "
                "ansehen, ohne Konto. Unter Link-Optionen kannst du {ein Passwort|ein "
                "Ablaufdatum} setzen.",
                "Ja, geteilte Links gehen ohne Konto. Album > ⋯ > Teilen > Link erstellen. "
                "{Bei privaten Sachen würde "
                "ich ein Ablaufdatum setzen.|Schalte 'Downloads erlauben' aus, wenn nicht "
                "alles gespeichert werden soll.}",
                "Nimm lieber einen Link statt einer Einladung. Einladungen brauchen ein "
                "Konto, Links nicht. "
                "{Steht im Albummenü unter Teilen.|Albummenü > Teilen > Link erstellen.}",
            ],
            "follow": [
                ("Zeigt der Link auch Videos oder nur Fotos?", "Videos auch, die laufen im Browser."),
                (
                    "Sehe ich, wer den Link geöffnet hat?",
                    "Nicht wer, aber in den Link-Einstellungen steht die Anzahl der Aufrufe.",
                ),
            ],
        },
    },
    "slideshow-interval": {
        "channel": "frames",
        "en": {
            "title": [
                "Change how often the frame switches photos?",
                "Slideshow speed on the Frame",
                "Frame changes photos too fast",
            ],
            "ask": [
                "My {frame} changes the photo every {few seconds|10 seconds}, which is {a bit "
                "hectic|way too fast "
                "for the living room}. Where can I change the interval?",
                "Is there a setting for the slideshow {speed|interval}? I'd like {one photo "
                "per hour|something "
                "like every 5 minutes}.",
                "Set up a {frame} for my {mum|dad|grandparents} and they say it's 'flicking' "
                "too fast. Can I slow it down remotely?",
            ],
            "answer": [
                "In the app: Frames > your frame > Slideshow > Interval. {Goes from 10 "
                "seconds up to once a day.|You "
                "can go up to 24 hours.}",
                "On the frame itself: swipe down from the top, tap the gear, then Slideshow. "
                "{I have mine on 15 "
                "minutes.|I use 1 hour, feels calmer.}",
                "You can do it remotely from the app, the frame picks it up within a minute. "
                "Frames > Slideshow > Interval.",
            ],
            "follow": [
                ("Can I set different speeds for different albums?", "Not yet, it's one setting per frame."),
                ("Does it also have a shuffle option?", "Yes, right below the interval: 'Order' > Shuffle."),
            ],
        },
        "de": {
            "title": [
                "Wie oft der Rahmen das Bild wechselt einstellen?",
                "Diashow-Geschwindigkeit am Rahmen",
                "Rahmen wechselt die Fotos zu schnell",
            ],
            "ask": [
                "Mein {frame} wechselt das Foto alle {paar Sekunden|10 Sekunden}, das ist "
                "{ziemlich hektisch|viel "
                "zu schnell fürs Wohnzimmer}. Wo stelle ich das Intervall ein?",
                "Gibt es eine Einstellung für das Diashow-{Tempo|Intervall}? Hätte gern {ein "
                "Bild pro Stunde|so alle "
                "5 Minuten}.",
                "Habe meinen {Eltern|Großeltern} einen {frame} eingerichtet und die finden, "
                "dass er zu schnell "
                "'blättert'. Kann ich das aus der Ferne ändern?",
            ],
            "answer": [
                "In der App: Rahmen > dein Rahmen > Diashow > Intervall. {Geht von 10 "
                "Sekunden bis einmal am "
                "Tag.|Maximal 24 Stunden.}",
                "Direkt am Rahmen: von oben wischen, Zahnrad, dann Diashow. {Meiner steht auf "
                "15 Minuten.|Ich "
                "nehme 1 Stunde, wirkt ruhiger.}",
                "Geht aus der Ferne über die App, der Rahmen übernimmt das innerhalb einer Minute.",
            ],
            "follow": [
                (
                    "Kann man pro Album eine andere Geschwindigkeit einstellen?",
                    "Noch nicht, das gilt pro Rahmen.",
                ),
                ("Gibt's auch Zufallswiedergabe?", "Ja, direkt darunter: Reihenfolge > Zufällig."),
            ],
        },
    },
    "export-all": {
        "channel": "support",
        "en": {
            "title": [
                "Download all my photos at once?",
                "Export everything before switching phones",
                "Full export of my library",
            ],
            "ask": [
                "I'm {switching phones|setting up a new laptop} and want a full copy of my "
                "library. Is there a way to "
                "download everything at once, not album by album?",
                "How do I export all my photos {with the original dates|in full resolution}? "
                "I have about {photos}.",
                "Is there a {bulk download|full export} option? Clicking through albums is "
                "{painful|not going to happen}.",
            ],
            "answer": [
                "Web app > Settings > Your data > Export library. You get an email with zip "
                "files, {split into "
                "10 GB chunks|a few GB each}. Originals and dates are kept.",
                "Use the export under Settings > Your data on the web. {It can take a few "
                "hours for big "
                "libraries.|Mine took about an hour for 40k photos.}",
                "The desktop app has a 'Download all' option too, that one resumes if your connection drops.",
            ],
            "follow": [
                (
                    "Are the albums kept as folders?",
                    "Yes, each album becomes a folder, plus one 'All photos' folder.",
                ),
                ("Does it include the edited versions?", "Both: originals, and edits in a separate folder."),
            ],
        },
        "de": {
            "title": [
                "Alle Fotos auf einmal herunterladen?",
                "Komplettexport vor dem Handywechsel",
                "Ganze Mediathek exportieren",
            ],
            "ask": [
                "Ich {wechsle das Handy|richte einen neuen Laptop ein} und hätte gern eine "
                "komplette Kopie. Kann man "
                "alles auf einmal herunterladen, nicht Album für Album?",
                "Wie exportiere ich alle Fotos {mit Originaldatum|in voller Auflösung}? Sind "
                "ungefähr {photos} Stück.",
                "Gibt es einen {Massendownload|Komplettexport}? Jedes Album einzeln anklicken "
                "{ist mühsam|mache ich nicht}.",
            ],
            "answer": [
                "Web-App > Einstellungen > Deine Daten > Mediathek exportieren. Du bekommst "
                "eine Mail mit Zip-Dateien "
                "{in 10-GB-Stücken|zu je ein paar GB}. Originale und Datum bleiben erhalten.",
                "Über den Export unter Einstellungen > Deine Daten im Browser. {Kann bei "
                "großen Mediatheken ein paar "
                "Stunden dauern.|Bei mir hat's für 40.000 Fotos etwa eine Stunde gedauert.}",
                "Die Desktop-App hat auch 'Alles herunterladen', das setzt sogar nach "
                "Verbindungsabbruch wieder ein.",
            ],
            "follow": [
                (
                    "Bleiben die Alben als Ordner erhalten?",
                    "Ja, jedes Album wird ein Ordner, plus ein Ordner mit allem.",
                ),
                (
                    "Sind die bearbeiteten Versionen auch dabei?",
                    "Beides: Originale und Bearbeitungen in einem eigenen Ordner.",
                ),
            ],
        },
    },
    "raw-heic": {
        "channel": "support",
        "en": {
            "title": [
                "Does Lumen back up RAW files?",
                "HEIC photos look blurry on the web",
                "RAW + JPEG pairs?",
            ],
            "ask": [
                "I shoot {RAW|RAW+JPEG} on my {camera}. Does Lumen keep the RAW files or only the JPEGs?",
                "My HEIC photos look {soft|blurry} in the web app but fine on the phone. Is "
                "that just the preview?",
                "Thinking about uploading my {camera} archive. Are {DNG|CR3|ARW} files supported?",
            ],
            "answer": [
                "RAW files are kept as originals, the app just shows a JPEG preview. {DNG, "
                "CR3, ARW and NEF all "
                "work.|Most common formats work, DNG definitely.}",
                "The web shows a compressed preview first, then loads the full image if you "
                "zoom in. {Give it a "
                "second.|Check the 'full quality' toggle in the viewer.}",
                "RAW+JPEG pairs get stacked, so you see one photo but both files are stored.",
            ],
            "follow": [
                (
                    "Do RAW files count double for storage?",
                    "They count at their real size, so yes, they're bigger.",
                ),
                ("Can the frame show RAW photos?", "It shows the preview, so yes, no extra step needed."),
            ],
        },
        "de": {
            "title": [
                "Sichert Lumen auch RAW-Dateien?",
                "HEIC-Fotos im Browser unscharf",
                "RAW + JPEG Paare?",
            ],
            "ask": [
                "Ich fotografiere {RAW|RAW+JPEG} mit meiner {camera}. Behält Lumen die RAWs "
                "oder nur die JPEGs?",
                "Meine HEIC-Fotos sehen im Browser {matschig|unscharf} aus, am Handy aber "
                "gut. Ist das nur die Vorschau?",
                "Überlege, mein Archiv von der {camera} hochzuladen. Werden "
                "{DNG|CR3|ARW}-Dateien unterstützt?",
            ],
            "answer": [
                "RAW-Dateien werden als Original gespeichert, die App zeigt nur eine "
                "JPEG-Vorschau. {DNG, CR3, ARW und "
                "NEF gehen alle.|Die gängigen Formate gehen, DNG auf jeden Fall.}",
                "Im Browser kommt erst eine komprimierte Vorschau, beim Reinzoomen lädt das "
                "volle Bild. {Kurz "
                "warten.|Schau mal nach dem Schalter 'volle Qualität' im Viewer.}",
                "RAW+JPEG-Paare werden gestapelt: du siehst ein Foto, gespeichert sind beide Dateien.",
            ],
            "follow": [
                (
                    "Zählen RAWs doppelt beim Speicher?",
                    "Die zählen mit ihrer echten Größe, sind also größer.",
                ),
            ],
        },
    },
    "portrait-crop": {
        "channel": "frames",
        "en": {
            "title": [
                "Portrait photos get cropped on the frame",
                "Heads cut off on my Frame!",
                "Fit vs fill on the frame?",
            ],
            "ask": [
                "My {frame} is landscape and all the portrait photos get cropped, {heads cut "
                "off|half the "
                "picture missing}. Any way to show the whole photo?",
                "Is there a way to stop the frame from zooming into portrait shots? {It cuts "
                "off my grandkids' "
                "heads|Group photos look awful}.",
                "What's the difference between 'fit' and 'fill' on the frame? {Neither looks "
                "great for portraits.|"
                "Not sure which one I want.}",
            ],
            "answer": [
                "Frame settings > Display > Photo fit > 'Fit'. It adds blurred edges instead "
                "of cropping. "
                "{Looks nicer than it sounds.|That's what I use.}",
                "Turn on 'Pair portraits' under Display. It shows two portrait photos side by "
                "side, {looks "
                "great|works really well on the 15 inch}.",
                "Fill crops to the screen, Fit shows everything with a blurred border. {Or "
                "flip the frame to "
                "portrait, it rotates automatically.|You can also mount it in portrait, it "
                "auto-rotates.}",
            ],
            "follow": [
                (
                    "Does 'pair portraits' pick photos from the same day?",
                    "Yes, it tries to pair photos taken close together.",
                ),
            ],
        },
        "de": {
            "title": [
                "Hochformatfotos werden auf dem Rahmen abgeschnitten",
                "Köpfe abgeschnitten auf meinem Rahmen!",
                "Einpassen oder Füllen am Rahmen?",
            ],
            "ask": [
                "Mein {frame} steht quer und alle Hochkantfotos werden beschnitten, {Köpfe "
                "ab|die Hälfte fehlt}. "
                "Kann man das ganze Foto anzeigen lassen?",
                "Kann ich verhindern, dass der Rahmen in Hochkantbilder reinzoomt? {Den "
                "Enkeln fehlen immer die "
                "Köpfe.|Gruppenfotos sehen furchtbar aus.}",
                "Was ist der Unterschied zwischen 'Einpassen' und 'Füllen'? {Beides ist für "
                "Hochformat nicht "
                "ideal.|Weiß nicht, was ich will.}",
            ],
            "answer": [
                "Rahmen-Einstellungen > Anzeige > Foto anpassen > 'Einpassen'. Dann gibt's "
                "unscharfe Ränder statt "
                "Beschnitt. {Sieht besser aus, als es klingt.|So habe ich es eingestellt.}",
                "Schalte 'Hochformat paaren' unter Anzeige ein. Dann kommen zwei "
                "Hochkantfotos nebeneinander, "
                "{sieht super aus|gerade auf dem 15-Zoll top}.",
                "Füllen schneidet zu, Einpassen zeigt alles mit unscharfem Rand. {Oder den "
                "Rahmen hochkant "
                "aufhängen, der dreht automatisch.|Hochkant montieren geht auch, er dreht "
                "sich automatisch.}",
            ],
            "follow": [
                (
                    "Nimmt 'Hochformat paaren' Fotos vom selben Tag?",
                    "Ja, er versucht Fotos zu kombinieren, die zeitlich nah beieinander sind.",
                ),
            ],
        },
    },
    "storage-count": {
        "channel": "billing",
        "en": {
            "title": [
                "Do videos count toward my storage?",
                "What counts against the 2 TB?",
                "Storage almost full, what's using it?",
            ],
            "ask": [
                "I'm at {80|90|95}% of my storage and not sure why. Do videos count {the same "
                "as photos|at full size}?",
                "Does the trash count against storage? {I deleted a lot last week and nothing "
                "changed.|The number "
                "didn't move after a big clean-up.}",
                "How do I see what's using my storage? {Can't find a breakdown "
                "anywhere.|Would love a list by album.}",
            ],
            "answer": [
                "Videos count at their full size, so a few long clips add up fast. Settings > "
                "Storage shows "
                "{a breakdown by type|photos vs videos vs trash}.",
                "Trash counts until it's emptied, {30 days by default|or until you empty it manually}. "
                "{Empty it and the number drops within an hour.|That's usually the surprise.}",
                "Settings > Storage > Manage has a list of the biggest items. {Sort by size "
                "and you'll find the "
                "4K videos quickly.|That's how I found a 6 GB screen recording.}",
            ],
            "follow": [
                ("Do shared albums from others count against mine?", "No, only files you uploaded yourself."),
            ],
        },
        "de": {
            "title": [
                "Zählen Videos zum Speicher?",
                "Was zählt alles zu den 2 TB?",
                "Speicher fast voll, woran liegt's?",
            ],
            "ask": [
                "Ich bin bei {80|90|95} % Speicher und weiß nicht genau warum. Zählen Videos "
                "{genauso wie "
                "Fotos|in voller Größe}?",
                "Zählt der Papierkorb mit? {Habe letzte Woche viel gelöscht und nichts hat "
                "sich getan.|Nach dem "
                "Aufräumen hat sich die Zahl nicht bewegt.}",
                "Wo sehe ich, was meinen Speicher belegt? {Finde keine Aufschlüsselung.|Eine "
                "Liste nach Alben wäre toll.}",
            ],
            "answer": [
                "Videos zählen mit voller Größe, ein paar lange Clips summieren sich schnell. "
                "Unter Einstellungen > "
                "Speicher siehst du {eine Aufschlüsselung nach Typ|Fotos, Videos und "
                "Papierkorb getrennt}.",
                "Der Papierkorb zählt, bis er geleert ist, {standardmäßig 30 Tage|oder bis du "
                "ihn leerst}. "
                "{Leeren, dann sinkt die Zahl innerhalb einer Stunde.|Das überrascht die meisten.}",
                "Einstellungen > Speicher > Verwalten zeigt die größten Dateien. {Nach Größe "
                "sortieren, dann findest "
                "du die 4K-Videos schnell.|So habe ich eine 6-GB-Bildschirmaufnahme gefunden.}",
            ],
            "follow": [
                (
                    "Zählen geteilte Alben von anderen bei mir mit?",
                    "Nein, nur was du selbst hochgeladen hast.",
                ),
            ],
        },
    },
    "second-frame": {
        "channel": "frames",
        "en": {
            "title": [
                "Two frames, different albums?",
                "Adding a second frame to my account",
                "One account, frames at two houses",
            ],
            "ask": [
                "Just bought a second {frame} for my {parents|in-laws}. Can it show a "
                "different album than the one "
                "in our {kitchen|hallway}?",
                "Can two frames on one account run {different slideshows|different albums}? "
                "Don't want my mum "
                "seeing {the work photos|my screenshots} lol.",
                "How do I add another frame? {The app only shows my first one.|The 'add' "
                "button seems to just "
                "reconfigure the old one.}",
            ],
            "answer": [
                "Yes, each frame has its own album selection. Frames > tap the frame > "
                "Albums. {The second one gets "
                "its own settings entirely.|Nothing is shared between them unless you pick "
                "the same album.}",
                "Frames > + in the top right, then follow the pairing code on the new frame. "
                "{Don't use 'set up "
                "again' on the old one.|Took me two minutes.}",
                "Totally possible. I have three: kitchen, office and at my gran's, all on different albums.",
            ],
            "follow": [
                (
                    "Can my parents add photos to their frame themselves?",
                    "Invite them to the album the frame shows, then whatever they add appears.",
                ),
            ],
        },
        "de": {
            "title": [
                "Zwei Rahmen, verschiedene Alben?",
                "Zweiten Rahmen hinzufügen",
                "Ein Konto, Rahmen in zwei Wohnungen",
            ],
            "ask": [
                "Habe einen zweiten {frame} für meine {Eltern|Schwiegereltern} gekauft. Kann "
                "der ein anderes Album "
                "zeigen als der in unserer {Küche|Diele}?",
                "Können zwei Rahmen an einem Konto {verschiedene Diashows|verschiedene Alben} "
                "zeigen? Meine Mutter "
                "muss ja nicht {die Arbeitsfotos|meine Screenshots} sehen.",
                "Wie füge ich einen weiteren Rahmen hinzu? {Die App zeigt nur den ersten.|Der "
                "Button richtet "
                "scheinbar nur den alten neu ein.}",
            ],
            "answer": [
                "Ja, jeder Rahmen hat seine eigene Albumauswahl. Rahmen > Rahmen antippen > "
                "Alben. {Der zweite hat "
                "komplett eigene Einstellungen.|Da wird nichts geteilt, außer du wählst "
                "dasselbe Album.}",
                "Rahmen > + oben rechts, dann den Kopplungscode vom neuen Rahmen eingeben. "
                "{Nicht 'neu einrichten' "
                "beim alten nehmen.|Hat zwei Minuten gedauert.}",
                "Geht problemlos. Ich habe drei: Küche, Büro und bei Oma, alle mit anderen Alben.",
            ],
            "follow": [
                (
                    "Können meine Eltern selbst Fotos auf ihren Rahmen schicken?",
                    "Lade sie zum Album ein, das der Rahmen zeigt, dann erscheint alles, was sie hinzufügen.",
                ),
            ],
        },
    },
    "sleep-schedule": {
        "channel": "frames",
        "en": {
            "title": [
                "Turn the frame off at night?",
                "Sleep schedule for the Frame",
                "Frame too bright in the bedroom",
            ],
            "ask": [
                "Our {frame} is in the bedroom and {lights up the whole room|is way too "
                "bright} at night. Can it turn "
                "off on a schedule?",
                "Is there a night mode or sleep timer? {My dad unplugs it every "
                "evening.|Would save some power too.}",
                "Can the frame turn off when nobody's in the room? {I think I saw a motion "
                "sensor mentioned "
                "somewhere.|Feels wasteful running all day.}",
            ],
            "answer": [
                "Frame settings > Schedule. You can set on/off times per day, {weekends "
                "separately|even different "
                "ones for weekends}.",
                "There's 'Sleep when dark' under Display, it uses the light sensor. {Works "
                "nicely in our bedroom.|"
                "Combine it with a schedule if you like.}",
                "The 15 inch has a motion sensor, the 10 doesn't. For the 10, use the schedule.",
            ],
            "follow": [
                ("Does it still sync while it's asleep?", "Yes, it downloads new photos in sleep mode."),
            ],
        },
        "de": {
            "title": [
                "Rahmen nachts ausschalten?",
                "Zeitplan für den Rahmen",
                "Rahmen im Schlafzimmer zu hell",
            ],
            "ask": [
                "Unser {frame} steht im Schlafzimmer und {erhellt nachts das ganze Zimmer|ist "
                "viel zu hell}. Kann er "
                "sich zeitgesteuert ausschalten?",
                "Gibt es einen Nachtmodus oder Timer? {Mein Vater zieht jeden Abend den "
                "Stecker.|Würde auch Strom sparen.}",
                "Kann der Rahmen ausgehen, wenn keiner im Raum ist? {Meine, da war was mit "
                "Bewegungssensor.|Den ganzen "
                "Tag laufen lassen finde ich unnötig.}",
            ],
            "answer": [
                "Rahmen-Einstellungen > Zeitplan. Du kannst Ein-/Ausschaltzeiten pro Tag "
                "festlegen, {Wochenende "
                "extra|sogar fürs Wochenende anders}.",
                "Unter Anzeige gibt's 'Schlafen bei Dunkelheit', nutzt den Lichtsensor. "
                "{Klappt bei uns im "
                "Schlafzimmer gut.|Kann man mit dem Zeitplan kombinieren.}",
                "Der 15-Zoll hat einen Bewegungssensor, der 10er nicht. Beim 10er den Zeitplan nehmen.",
            ],
            "follow": [
                ("Synchronisiert er im Schlafmodus weiter?", "Ja, neue Fotos lädt er auch im Schlafmodus."),
            ],
        },
    },
    "wifi-5ghz": {
        "channel": "frames",
        "en": {
            "title": [
                "Frame doesn't find my Wi-Fi",
                "Frame only sees some networks?",
                "5 GHz network not showing on the frame",
            ],
            "ask": [
                "Setting up a {frame} and my home network {doesn't show up|isn't in the "
                "list}. My {device} sees "
                "it fine. What am I missing?",
                "Does the frame support 5 GHz? {Only our guest network shows up.|Our router "
                "only runs 5 GHz.}",
                "New {frame} won't find the Wi-Fi at my {parents'|grandma's} place. {Other devices are "
                "fine.|Router is right next to it.}",
            ],
            "answer": [
                "The Frame 10 and Mini are 2.4 GHz only. {Enable 2.4 GHz on the router, or "
                "give it its own network "
                "name.|Most routers let you turn 2.4 back on in the Wi-Fi settings.}",
                "If your router uses one name for both bands, it usually works. If the 2.4 "
                "GHz band is off, the "
                "frame can't see it. {Frame 2 does 5 GHz.|Only the new Frame 2 supports 5 GHz.}",
                "Check the channel too: the frame doesn't like channels 12 and 13. {Set the "
                "router to auto or 1-11.|"
                "That was my issue.}",
            ],
            "follow": [
                ("Is that in the router or the frame settings?", "Router. The frame has no band setting."),
            ],
        },
        "de": {
            "title": [
                "Rahmen findet mein WLAN nicht",
                "Rahmen sieht nur manche Netze?",
                "5-GHz-Netz wird nicht angezeigt",
            ],
            "ask": [
                "Richte gerade einen {frame} ein und mein WLAN {taucht nicht auf|ist nicht in "
                "der Liste}. Das {device} "
                "findet es problemlos. Was übersehe ich?",
                "Kann der Rahmen 5 GHz? {Bei uns taucht nur das Gästenetz auf.|Unser Router "
                "funkt nur auf 5 GHz.}",
                "Der neue {frame} findet bei meinen {Eltern|Großeltern} kein WLAN. {Andere "
                "Geräte gehen.|Router steht direkt daneben.}",
            ],
            "answer": [
                "Frame 10 und Mini können nur 2,4 GHz. {Schalte 2,4 GHz am Router ein oder "
                "gib dem Band einen eigenen "
                "Namen.|Bei der Fritzbox findest du das unter WLAN > Funknetz.}",
                "Wenn der Router beide Bänder unter einem Namen hat, klappt es meistens. Ist "
                "2,4 GHz aus, sieht der "
                "Rahmen nichts. {Der Frame 2 kann 5 GHz.|Nur der neue Frame 2 unterstützt 5 GHz.}",
                "Schau auch auf den Kanal: Kanal 12 und 13 mag der Rahmen nicht. {Router auf "
                "automatisch oder 1-11 "
                "stellen.|Das war bei mir das Problem.}",
            ],
            "follow": [
                ("Ist das im Router oder am Rahmen?", "Im Router. Der Rahmen hat keine Band-Einstellung."),
            ],
        },
    },
    "face-merge": {
        "channel": "support",
        "en": {
            "title": [
                "Merge two people in face groups?",
                "Same person shows up twice in People",
                "Face recognition split my son into two people",
            ],
            "ask": [
                "Lumen thinks my {son|daughter|husband} is two different people, {one with "
                "glasses|baby photos vs "
                "now}. How do I merge them?",
                "Is there a way to merge face groups? {Half my People tab is the same three "
                "faces.|It keeps splitting my mum.}",
                "How do I tell the app two face groups are the same person? {Can't find a "
                "merge button.|Drag and drop "
                "doesn't work.}",
            ],
            "answer": [
                "Open one of the groups, ⋯ > Merge with, then pick the other. {Takes a minute "
                "to update.|It learns "
                "from it, so it splits less later.}",
                "In People, long-press one face, then tap the other and choose Merge. {On the "
                "web it's a checkbox "
                "in the corner.|Same on the web.}",
                "Merge them under People > ⋯ > Merge. Kids' faces change a lot, so it happens "
                "with baby photos.",
            ],
            "follow": [
                (
                    "Can I undo a merge if I get it wrong?",
                    "Yes, open the person and 'Split' the wrong photos out again.",
                ),
            ],
        },
        "de": {
            "title": [
                "Zwei Personen in der Gesichtserkennung zusammenführen?",
                "Gleiche Person doppelt unter Personen",
                "Gesichtserkennung macht aus meinem Sohn zwei Personen",
            ],
            "ask": [
                "Lumen hält meinen {Sohn|Mann} bzw. meine Tochter für zwei Personen, {einmal "
                "mit Brille|Babyfotos "
                "und heute}. Wie führe ich die zusammen?",
                "Kann man Gesichtsgruppen zusammenführen? {Mein Personen-Tab besteht zur "
                "Hälfte aus denselben drei "
                "Gesichtern.|Meine Mutter wird ständig aufgeteilt.}",
                "Wie sage ich der App, dass zwei Gruppen dieselbe Person sind? {Finde keinen "
                "Button dafür.|Ziehen "
                "und Ablegen klappt nicht.}",
            ],
            "answer": [
                "Eine Gruppe öffnen, ⋯ > Zusammenführen mit, dann die andere wählen. {Dauert "
                "kurz.|Die App lernt "
                "daraus und trennt später seltener.}",
                "Unter Personen ein Gesicht lange drücken, dann das andere antippen und "
                "Zusammenführen. {Im Browser "
                "ist es ein Häkchen in der Ecke.|Im Browser genauso.}",
                "Unter Personen > ⋯ > Zusammenführen. Kindergesichter ändern sich stark, da "
                "passiert das oft.",
            ],
            "follow": [
                (
                    "Kann ich das rückgängig machen?",
                    "Ja, Person öffnen und die falschen Fotos per 'Trennen' wieder rausnehmen.",
                ),
            ],
        },
    },
    "google-import": {
        "channel": "support",
        "en": {
            "title": [
                "Importing from Google Photos?",
                "Moving 15 years of photos from Google",
                "Takeout import keeps wrong dates",
            ],
            "ask": [
                "Finally moving everything over from Google Photos. What's the best way, "
                "{Takeout|the import "
                "tool}? About {photos} photos.",
                "I did a Takeout import and {the dates are all wrong|everything shows as "
                "imported today}. Did I "
                "miss a step?",
                "Does the Google import keep albums, or just dump everything into one pile?",
            ],
            "answer": [
                "Use Settings > Import > Google Photos, it connects directly and keeps albums "
                "and dates. {Takeout "
                "works too but the dates are in separate JSON files.|Much easier than Takeout.}",
                "With Takeout, upload the whole zip including the .json files, Lumen reads "
                "the dates from them. "
                "{If you only upload the images, the dates get lost.|That's the usual mistake.}",
                "The direct import keeps albums. Takeout only keeps them if you upload the "
                "folder structure as-is.",
            ],
            "follow": [
                (
                    "How long does the direct import take?",
                    "Depends on size; mine was 30k photos and took a night.",
                ),
            ],
        },
        "de": {
            "title": [
                "Import aus Google Fotos?",
                "15 Jahre Fotos von Google umziehen",
                "Takeout-Import mit falschem Datum",
            ],
            "ask": [
                "Ziehe endlich alles von Google Fotos um. Was ist der beste Weg, {Takeout|das "
                "Import-Tool}? "
                "Sind etwa {photos} Fotos.",
                "Habe per Takeout importiert und {die Daten stimmen alle nicht|alles steht "
                "auf heute}. Habe ich was vergessen?",
                "Behält der Google-Import die Alben oder landet alles auf einem Haufen?",
            ],
            "answer": [
                "Nimm Einstellungen > Import > Google Fotos, das verbindet direkt und behält "
                "Alben und Datum. "
                "{Takeout geht auch, aber die Daten stecken in separaten JSON-Dateien.|Viel "
                "einfacher als Takeout.}",
                "Bei Takeout das ganze Zip inklusive der .json-Dateien hochladen, daraus "
                "liest Lumen das Datum. "
                "{Nur die Bilder hochladen, dann ist das Datum weg.|Das ist der übliche Fehler.}",
                "Der direkte Import behält die Alben. Takeout nur, wenn die Ordnerstruktur gleich bleibt.",
            ],
            "follow": [
                ("Wie lange dauert der Direktimport?", "Kommt drauf an; bei mir 30.000 Fotos über Nacht."),
            ],
        },
    },
    "plan-switch": {
        "channel": "billing",
        "en": {
            "title": [
                "Switch from monthly to yearly?",
                "Change plan mid-cycle",
                "Upgrade to 2 TB, what happens to billing?",
            ],
            "ask": [
                "I'm on the monthly plan and want to switch to yearly. Do I lose the {rest of "
                "this month|days I already paid}?",
                "If I upgrade to 2 TB {halfway through the month|today}, how is that billed?",
                "Where do I change my plan? {The app only shows 'Manage in Play Store'.|Can't "
                "find it on iOS.}",
            ],
            "answer": [
                "You get credit for the unused days, it's prorated. Account > Plan > Change. "
                "{Took effect "
                "immediately for me.|The new date shows right away.}",
                "Upgrades are prorated, you pay the difference for the rest of the cycle. "
                "{Downgrades take effect at "
                "the next renewal.|Easy.}",
                "If you subscribed through Google Play or the App Store, you have to change "
                "it there. {Web "
                "subscriptions are under Account > Plan.|Annoying but that's how the stores work.}",
            ],
            "follow": [
                (
                    "And if I paid through the App Store?",
                    "Then change it in the App Store subscriptions page, same prorating.",
                ),
            ],
        },
        "de": {
            "title": [
                "Von monatlich auf jährlich wechseln?",
                "Tarif mitten im Monat ändern",
                "Upgrade auf 2 TB, wie wird abgerechnet?",
            ],
            "ask": [
                "Ich zahle monatlich und will auf jährlich wechseln. Verliere ich {den Rest "
                "des Monats|die bezahlten Tage}?",
                "Wenn ich {mitten im Monat|heute} auf 2 TB upgrade, wie wird das berechnet?",
                "Wo ändere ich den Tarif? {Die App zeigt nur 'Im Play Store verwalten'.|Finde "
                "es unter iOS nicht.}",
            ],
            "answer": [
                "Die ungenutzten Tage werden angerechnet. Konto > Tarif > Ändern. {Galt bei "
                "mir sofort.|Das neue "
                "Datum steht direkt da.}",
                "Upgrades werden anteilig berechnet, du zahlst die Differenz für den Rest. "
                "{Downgrades gelten ab der "
                "nächsten Verlängerung.|Ganz einfach.}",
                "Wenn du über Google Play oder den App Store abonniert hast, musst du es dort ändern. "
                "{Web-Abos findest du unter Konto > Tarif.|Nervig, aber so sind die Stores.}",
            ],
            "follow": [
                (
                    "Und wenn ich über den App Store bezahlt habe?",
                    "Dann in den App-Store-Abos ändern, auch anteilig.",
                ),
            ],
        },
    },
    "wifi-only-backup": {
        "channel": "support",
        "en": {
            "title": ["Back up only on Wi-Fi?", "Lumen eating my mobile data", "Battery drain from backup"],
            "ask": [
                "Lumen used {3|5|8} GB of mobile data this month. Can I make it back up only on Wi-Fi?",
                "The app drains my battery in the background. {Is there a 'only while "
                "charging' option?|Any setting "
                "to make backup less aggressive?}",
                "Can I pause the backup while I'm travelling? {Roaming data is "
                "expensive.|Hotel Wi-Fi is slow anyway.}",
            ],
            "answer": [
                "Settings > Backup > 'Use mobile data' off. {Videos have their own toggle "
                "below it.|There's a "
                "separate one for videos.}",
                "Turn on 'Only while charging' under Backup. {It then catches up "
                "overnight.|Made a big difference "
                "to my battery.}",
                "Long-press the backup icon and choose Pause, you can pick 1 hour, 1 day or "
                "until you turn it back on.",
            ],
            "follow": [
                (
                    "Does it remember the setting after an update?",
                    "It should, mine survived every update so far.",
                ),
            ],
        },
        "de": {
            "title": ["Nur im WLAN sichern?", "Lumen frisst mein Datenvolumen", "Akku leer durchs Backup"],
            "ask": [
                "Lumen hat diesen Monat {3|5|8} GB mobile Daten verbraucht. Kann ich nur im WLAN sichern?",
                "Die App zieht im Hintergrund den Akku leer. {Gibt es 'nur beim Laden'?|Kann "
                "man das Backup "
                "weniger aggressiv einstellen?}",
                "Kann ich das Backup im Urlaub pausieren? {Roaming ist teuer.|Das Hotel-WLAN ist eh lahm.}",
            ],
            "answer": [
                "Einstellungen > Backup > 'Mobile Daten verwenden' aus. {Für Videos gibt's "
                "darunter einen eigenen "
                "Schalter.|Videos haben einen eigenen Schalter.}",
                "Schalte 'Nur beim Laden' unter Backup ein. {Dann holt er nachts alles "
                "nach.|Hat bei meinem Akku viel gebracht.}",
                "Backup-Symbol lange drücken und Pausieren wählen, geht für 1 Stunde, 1 Tag "
                "oder bis du es wieder einschaltest.",
            ],
            "follow": [
                (
                    "Bleibt die Einstellung nach Updates erhalten?",
                    "Sollte, bei mir hat sie bisher jedes Update überlebt.",
                ),
            ],
        },
    },
    "frame-video": {
        "channel": "frames",
        "en": {
            "title": [
                "Do videos play on the frame?",
                "Live Photos / videos on the Frame",
                "Sound on frame videos?",
            ],
            "ask": [
                "Can the {frame} play videos, or only photos? {My mum would love the "
                "grandkids' clips.|Thinking "
                "about it as a gift.}",
                "Do videos on the frame have sound? {Mine plays them silently.|Can't find a volume setting.}",
                "Are Live Photos shown as little videos on the frame or just as stills?",
            ],
            "answer": [
                "Yes, clips up to 30 seconds play on the frame. {Longer ones show the first "
                "30 seconds.|Turn on "
                "'Include videos' in the frame settings.}",
                "Sound is off by default. Frame settings > Video > Sound. {The Mini has no "
                "speaker though.|Volume is "
                "on the back button.}",
                "Live Photos play once when they come up, then stay as a still. {Really sweet "
                "with kids.|Can be "
                "turned off.}",
            ],
            "follow": [
                (
                    "Can I stop it from playing videos at night?",
                    "Yes, the schedule can mute or skip videos at set times.",
                ),
            ],
        },
        "de": {
            "title": [
                "Spielt der Rahmen auch Videos?",
                "Live Photos / Videos auf dem Rahmen",
                "Ton bei Videos auf dem Rahmen?",
            ],
            "ask": [
                "Kann der {frame} Videos abspielen oder nur Fotos? {Meine Mutter hätte gern "
                "die Clips der "
                "Enkel.|Überlege, ihn zu verschenken.}",
                "Haben Videos auf dem Rahmen Ton? {Bei mir laufen sie stumm.|Finde keine Lautstärke.}",
                "Werden Live Photos auf dem Rahmen als kleine Videos gezeigt oder nur als Standbild?",
            ],
            "answer": [
                "Ja, Clips bis 30 Sekunden laufen auf dem Rahmen. {Längere werden nach 30 Sekunden "
                "abgeschnitten.|'Videos einbeziehen' in den Rahmen-Einstellungen einschalten.}",
                "Ton ist standardmäßig aus. Rahmen-Einstellungen > Video > Ton. {Der Mini hat "
                "allerdings keinen "
                "Lautsprecher.|Lautstärke über die Taste hinten.}",
                "Live Photos laufen einmal ab, dann bleibt das Standbild. {Mit Kindern total "
                "süß.|Kann man abschalten.}",
            ],
            "follow": [
                (
                    "Kann er nachts keine Videos abspielen?",
                    "Ja, im Zeitplan kann man Videos zu bestimmten Zeiten stummschalten.",
                ),
            ],
        },
    },
}

# -------------------------------------------------------------------------------------- product events

# Day numbers count from the first day of the 60-day window. Each topic is one dated product event that
# produced genuine complaints; `cause` is what the ground truth records.
COMPLAINTS = {
    "sync-migration": {
        "day": 4,
        "fix_day": 9,
        "channel": "support",
        "needs": None,
        "cause": "the storage server migration on {date} left uploads stuck at 'waiting to sync'",
        "en": {
            "unaffected": [
                "Mine synced fine after the maintenance, fwiw. {device}.",
                "No problems here, uploads went through this morning.",
            ],
            "fixnote": "reprocessing has finished for all accounts, uploads should be moving again.",
            "title": [
                "Uploads stuck on 'waiting to sync' since the maintenance",
                "Sync not working after the server migration?",
                "Photos not backing up since {eday}",
                "Backup stuck at {num} items remaining",
            ],
            "event": [
                "since the {storage |server |}migration",
                "since the maintenance on {eday}",
                "after the storage migration {when}",
                "ever since the maintenance window {when}",
            ],
            "symptom": [
                "my uploads are stuck on 'waiting to sync'",
                "nothing from my phone backs up anymore",
                "the app says '{num}{num} items remaining' and never moves",
                "new photos show up on my phone but not on the web",
                "the sync spinner just keeps spinning",
                "the backup counter is frozen at the same number",
            ],
            "extra": [
                "I've got {photos} photos {sitting there|queued up} and I'm getting nervous.",
                "Restarted the phone, toggled backup off and on, nothing.",
                "Status page says everything is green, which is funny.",
                "It's a {device} on {os}, if that matters.",
                "Wi-Fi is fine, everything else works.",
                "My {partner}'s phone has the same issue, so it's not just my account.",
                "I'm travelling {next week|on Friday} and really need the backup working.",
            ],
            "short": [
                "is sync broken for anyone else since the migration?",
                "anyone else's uploads stuck on waiting to sync?",
                "backup hasn't moved since {eday}, is it just me?",
                "is the server still migrating or is my app broken? nothing uploads",
            ],
            "staff": [
                "Thanks for reporting. Part of the library index didn't finish moving during "
                "the migration, so "
                "some accounts are stuck. The team is reprocessing them account by account; "
                "no photos are lost.",
                "We're aware some uploads are stuck after the migration. Your photos are safe "
                "on your phone, "
                "please don't delete anything locally until the counter reaches zero. We'll "
                "update this thread.",
                "Sorry about this. The stuck uploads come from the storage migration on "
                "{eday}. Reprocessing is "
                "running and should reach every account within a few days.",
            ],
            "tip": [
                "Try logging out and back in, that forced a full re-scan for me.",
                "What helped me: Settings > Backup > 'Rebuild upload queue'. Takes a while but it moved.",
                "Check that battery optimisation isn't killing the app, the migration reset "
                "that for some people.",
            ],
            "fixed": [
                "Mine finally caught up overnight, thanks for sorting it.",
                "Sync is working again here since this morning.",
                "Confirmed, uploads are flowing again. Counter is at zero.",
            ],
        },
        "de": {
            "unaffected": [
                "Bei mir lief der Sync nach der Wartung normal, {device}.",
                "Hier keine Probleme, Uploads gingen heute früh durch.",
            ],
            "fixnote": "die Neuverarbeitung ist für alle Konten durch, die Uploads sollten wieder laufen.",
            "title": [
                "Uploads hängen bei 'Warte auf Synchronisierung' seit der Wartung",
                "Sync geht nicht nach dem Serverumzug?",
                "Fotos werden seit {eday} nicht gesichert",
                "Backup hängt bei {num} verbleibenden Elementen",
            ],
            "event": [
                "seit dem Serverumzug",
                "seit der Wartung am {eday}",
                "nach dem Speicher-Umzug {when}",
                "seit den Wartungsarbeiten {when}",
            ],
            "symptom": [
                "hängen meine Uploads bei 'Warte auf Synchronisierung'",
                "wird vom Handy nichts mehr gesichert",
                "steht da '{num}{num} Elemente verbleibend' und nichts bewegt sich",
                "tauchen neue Fotos nicht mehr im Browser auf",
                "dreht sich das Sync-Symbol endlos",
                "bleibt der Backup-Zähler immer bei derselben Zahl",
            ],
            "extra": [
                "Da hängen {photos} Fotos in der Warteschlange, langsam werde ich nervös.",
                "Handy neu gestartet, Backup aus und an, nichts.",
                "Die Statusseite ist komplett grün, witzig.",
                "Ist ein {device} mit {os}, falls das hilft.",
                "WLAN läuft, alles andere geht.",
                "Bei meiner {partner} genau das Gleiche, liegt also nicht an meinem Konto.",
                "Ich fahre {nächste Woche|am Freitag} in den Urlaub und brauche das Backup.",
            ],
            "short": [
                "geht bei euch der sync seit dem umzug auch nicht?",
                "hängen bei noch jemandem die uploads?",
                "backup bewegt sich seit {eday} nicht, nur bei mir?",
                "ist der server noch am umziehen? nix lädt hoch",
            ],
            "staff": [
                "Danke für die Meldung. Ein Teil des Mediathek-Index ist beim Umzug nicht vollständig "
                "übertragen worden, deshalb hängen einige Konten. Wir verarbeiten sie gerade "
                "nacheinander neu; "
                "es gehen keine Fotos verloren.",
                "Bekannt: Nach dem Umzug hängen bei manchen die Uploads. Eure Fotos sind "
                "sicher auf dem Handy, "
                "bitte nichts lokal löschen, bis der Zähler bei null ist. Wir melden uns hier.",
            ],
            "tip": [
                "Ab- und wieder anmelden hat bei mir einen kompletten Neuscan ausgelöst.",
                "Bei mir half: Einstellungen > Backup > 'Upload-Warteschlange neu aufbauen'. "
                "Dauert, aber es läuft.",
                "Schau mal, ob die Akku-Optimierung die App abschießt, das wurde bei manchen zurückgesetzt.",
            ],
            "fixed": [
                "Bei mir ist über Nacht alles durchgelaufen, danke.",
                "Sync läuft seit heute früh wieder.",
                "Bestätigt, die Uploads laufen wieder, Zähler steht auf null.",
            ],
        },
    },
    "login-3.2": {
        "day": 13,
        "fix_day": 17,
        "channel": "support",
        "needs": "android",
        "cause": "the 3.2 app update on {date} broke login on Android",
        "en": {
            "unaffected": [
                "Working fine here on {device}, fwiw.",
                "No login issues on my side, {device} with {os}.",
                "Odd, mine's fine. Maybe it's only some Android phones?",
            ],
            "fixnote": "3.2.1 with the sign-in fix is live in the Play Store.",
            "title": [
                "Can't log in after the 3.2 update (Android)",
                "3.2 broke login on my {device}",
                "Login loop since updating to 3.2",
                "Sign-in fails with 'Something went wrong' on 3.2",
            ],
            "event": [
                "since the 3.2 update",
                "after updating to 3.2",
                "since I installed 3.2 {when}",
                "ever since the new version came out {when}",
            ],
            "symptom": [
                "I can't log in {anymore|at all}",
                "the app throws me back to the login screen every time",
                "sign-in just spins forever",
                "I get 'Something went wrong' right after entering my password",
                "the new sign-in screen doesn't accept my password",
                "the app logs me out every time I open it",
            ],
            "extra": [
                "Web login works fine, so it's not my password.",
                "Already reinstalled and cleared the app cache, no change.",
                "{device}, {os}.",
                "Password reset didn't help either.",
                "My tablet is fine, only the phone is affected.",
                "My parents' frame still shows photos but I can't manage anything.",
            ],
            "short": [
                "anyone else unable to log in since 3.2?",
                "3.2 logged me out and now it won't let me back in",
                "login on android broken after the update?",
                "is the login thing on 3.2 known? keeps kicking me out",
            ],
            "staff": [
                "Thanks, we can reproduce this on some Android devices with 3.2. It's a "
                "problem with the new "
                "sign-in screen. A fix is in review; in the meantime the web app works.",
                "Confirmed bug in 3.2 on Android. 3.2.1 with a fix goes out to the Play Store "
                "within the next "
                "day or two. Sorry about this.",
                "We're on it. The new sign-in screen in 3.2 drops the session on some Android "
                "phones. The web app "
                "is unaffected if you need something urgently.",
            ],
            "tip": [
                "Workaround: log in on the web first, then open the app, it picked up the session for me.",
                "Switching off 'Use passkey' on the login screen let me get in.",
                "If you're on Samsung, turning off autofill for the app helped me.",
            ],
            "fixed": [
                "3.2.1 fixed it for me, logged straight in.",
                "Can confirm the update sorted it, thanks.",
                "All good again after 3.2.1 🙌",
            ],
        },
        "de": {
            "unaffected": [
                "Bei mir läuft alles, {device}.",
                "Hier keine Probleme beim Login, {device} mit {os}.",
                "Komisch, bei mir geht's. Vielleicht nur bestimmte Android-Geräte?",
            ],
            "fixnote": "3.2.1 mit dem Login-Fix ist im Play Store.",
            "title": [
                "Anmeldung nach Update auf 3.2 kaputt (Android)",
                "3.2 hat den Login auf meinem {device} zerschossen",
                "Login-Schleife seit 3.2",
                "Anmeldung: 'Etwas ist schiefgelaufen' seit 3.2",
            ],
            "event": [
                "seit dem Update auf 3.2",
                "nach dem Update auf 3.2",
                "seit ich {when} 3.2 installiert habe",
                "seit der neuen Version {when}",
            ],
            "symptom": [
                "kann ich mich nicht mehr anmelden",
                "wirft mich die App immer wieder zum Login zurück",
                "dreht sich die Anmeldung endlos",
                "kommt nach dem Passwort nur 'Etwas ist schiefgelaufen'",
                "nimmt der neue Anmeldebildschirm mein Passwort nicht an",
                "meldet mich die App bei jedem Öffnen ab",
            ],
            "extra": [
                "Im Browser geht der Login, am Passwort liegt's also nicht.",
                "Schon neu installiert und den Cache geleert, keine Änderung.",
                "{device}, {os}.",
                "Passwort zurücksetzen hat auch nichts gebracht.",
                "Auf dem Tablet geht's, nur das Handy spinnt.",
                "Der Rahmen meiner Eltern zeigt noch Fotos, aber verwalten kann ich nichts.",
            ],
            "short": [
                "kann sich seit 3.2 noch jemand nicht einloggen?",
                "3.2 hat mich ausgeloggt und lässt mich nicht mehr rein",
                "login unter android nach dem update kaputt?",
                "ist das login-problem mit 3.2 bekannt?",
            ],
            "staff": [
                "Danke, wir können das auf einigen Android-Geräten mit 3.2 nachstellen. Es "
                "liegt am neuen "
                "Anmeldebildschirm. Ein Fix ist in Prüfung, bis dahin funktioniert die Web-App.",
                "Bestätigt: Fehler in 3.2 unter Android. 3.2.1 mit dem Fix kommt in den "
                "nächsten ein, zwei Tagen "
                "in den Play Store. Sorry dafür.",
            ],
            "tip": [
                "Workaround: Erst im Browser anmelden, dann die App öffnen, dann übernimmt sie die Sitzung.",
                "Bei mir ging's, nachdem ich 'Passkey verwenden' im Login ausgeschaltet habe.",
                "Bei Samsung hilft es, das automatische Ausfüllen für die App abzuschalten.",
            ],
            "fixed": [
                "Mit 3.2.1 geht's wieder, direkt eingeloggt.",
                "Bestätigt, das Update hat's behoben, danke.",
                "Alles wieder gut nach 3.2.1 🙌",
            ],
        },
    },
    "double-charge": {
        "day": 23,
        "fix_day": 26,
        "channel": "billing",
        "needs": None,
        "cause": "the price change on {date} charged some subscribers twice",
        "en": {
            "unaffected": [
                "Only charged once here, for what it's worth.",
                "Checked my statement after reading this, just one payment for me.",
            ],
            "tip_reply": [
                "Ok, I'll wait for the email then. Thanks.",
                "Good to know, I won't touch the chargeback button.",
                "Fine, I'll give it a few days.",
            ],
            "fixnote": "all duplicate charges have been refunded.",
            "title": [
                "Charged twice after the price change",
                "Double charge on my card this month",
                "Two Lumen Plus payments on my statement?",
                "Billed twice for the yearly plan",
            ],
            "event": [
                "after the price change",
                "when the new prices kicked in {when}",
                "on the day the new pricing went live",
                "since the price change {when}",
            ],
            "symptom": [
                "I got charged twice",
                "my card was billed two times for the same plan",
                "there are two Lumen Plus payments on my statement",
                "I was charged the old and the new price",
            ],
            "extra": [
                "Both on {edate}, {price} each.",
                "That's {price} gone twice, not great at the end of the month.",
                "The app only shows one subscription.",
                "Paid via Google Play, if that matters.",
                "My bank says both payments are final, not pending.",
                "I'm on the yearly plan, so that's not a small amount.",
            ],
            "short": [
                "did anyone else get charged twice today??",
                "double charge on my card from lumen, anyone?",
                "just saw two lumen payments in my bank app. wtf",
                "price change day and I'm billed twice, great",
            ],
            "staff": [
                "Sorry about this. A retry job in our billing system ran twice for some "
                "renewals on the day the "
                "price change went live. Every duplicate is being refunded automatically, no "
                "action needed.",
                "We've identified all affected accounts. Refunds go out within 5 to 7 "
                "business days and you'll "
                "get an email when yours is processed.",
                "Thanks for flagging. It's the renewal run on {eday}: some cards were charged "
                "twice. Refunds are "
                "being issued, please don't file a chargeback, that can lock the account.",
            ],
            "tip": [
                "Don't do a chargeback yet, that can lock the account. Wait for the refund email.",
                "Check Account > Billing history, mine showed the second charge as 'refund pending'.",
            ],
            "fixed": [
                "Refund landed today, all good.",
                "Got the refund email this morning.",
                "Money's back on my card, thanks.",
            ],
        },
        "de": {
            "unaffected": [
                "Bei mir nur einmal abgebucht, zum Glück.",
                "Hab nach dem Lesen nachgeschaut, bei mir nur eine Zahlung.",
            ],
            "tip_reply": [
                "Okay, dann warte ich auf die Mail. Danke.",
                "Gut zu wissen, dann lasse ich die Rückbuchung.",
                "Na gut, ich gebe dem ein paar Tage.",
            ],
            "fixnote": "alle doppelten Abbuchungen sind erstattet.",
            "title": [
                "Nach der Preisänderung doppelt abgebucht",
                "Doppelte Abbuchung diesen Monat",
                "Zwei Lumen-Plus-Zahlungen auf dem Kontoauszug?",
                "Jahresabo zweimal berechnet",
            ],
            "event": [
                "nach der Preisänderung",
                "als die neuen Preise {when} gegriffen haben",
                "am Tag der Preisumstellung",
                "seit der Preisänderung {when}",
            ],
            "symptom": [
                "wurde ich doppelt abgebucht",
                "hat man meine Karte zweimal für denselben Tarif belastet",
                "stehen zwei Lumen-Plus-Zahlungen auf meinem Kontoauszug",
                "wurde mir der alte und der neue Preis berechnet",
            ],
            "extra": [
                "Beides am {edate}, jeweils {price}.",
                "Das sind zweimal {price}, am Monatsende nicht so toll.",
                "In der App sehe ich nur ein Abo.",
                "Bezahlt über Google Play, falls das wichtig ist.",
                "Laut Bank sind beide Zahlungen gebucht, nicht nur vorgemerkt.",
                "Ich habe das Jahresabo, das ist kein kleiner Betrag.",
            ],
            "short": [
                "wurde noch jemand heute doppelt abgebucht??",
                "doppelte abbuchung von lumen, noch wer?",
                "seh grad zwei lumen-zahlungen in der banking app. hä?",
                "preisänderung und direkt doppelt abgebucht, super",
            ],
            "staff": [
                "Das tut uns leid. Ein Wiederholungsjob in der Abrechnung ist am Tag der "
                "Preisumstellung bei "
                "manchen Verlängerungen doppelt gelaufen. Alle doppelten Zahlungen werden "
                "automatisch erstattet.",
                "Wir haben alle betroffenen Konten gefunden. Die Erstattung kommt innerhalb "
                "von 5 bis 7 "
                "Werktagen, ihr bekommt dazu eine Mail.",
            ],
            "tip": [
                "Bloß keine Rückbuchung bei der Bank machen, das kann das Konto sperren. Auf "
                "die Erstattung warten.",
                "Schau unter Konto > Zahlungsverlauf, bei mir stand die zweite Zahlung als "
                "'Erstattung ausstehend'.",
            ],
            "fixed": [
                "Erstattung ist heute angekommen.",
                "Heute früh kam die Mail zur Erstattung.",
                "Geld ist zurück, danke.",
            ],
        },
    },
    "frame-shipping": {
        "day": 21,
        "fix_day": 34,
        "channel": "frames",
        "needs": "frame2",
        "cause": "a customs hold delayed the Frame 2 pre-order shipments from {date}",
        "en": {
            "unaffected": [
                "Mine shipped yesterday, so they're definitely moving.",
                "Got my tracking number this morning, hang in there.",
            ],
            "tip_reply": ["Fingers crossed. Thanks.", "Ok, keeping an eye on my inbox then."],
            "fixnote": "all remaining Frame 2 orders have shipped and tracking emails are out.",
            "title": [
                "Frame 2 pre-order still not shipped",
                "Where is my Frame 2? Ordered weeks ago",
                "Frame 2 shipping delay, any news?",
                "Still 'processing': Frame 2",
            ],
            "event": [
                "since the shipping delay email",
                "after they pushed the shipping date {when}",
                "since the delay notice {when}",
                "even though it was supposed to ship {when}",
            ],
            "symptom": [
                "my Frame 2 order is still stuck on 'processing'",
                "there's no tracking number for my Frame 2",
                "the order page still says 'preparing shipment'",
                "my pre-order hasn't moved at all",
            ],
            "extra": [
                "It was meant to be a birthday present for my {partner}.",
                "Ordered on day one, order #{ticket}.",
                "The email just said 'a few days', it's been {days} days.",
                "Customer support only sends a template reply.",
                "I'd at least like a realistic date.",
            ],
            "short": [
                "anyone actually received their frame 2?",
                "frame 2 still says processing for me. you?",
                "no tracking for my frame 2 yet, is this normal",
            ],
            "staff": [
                "Sorry for the wait. A customs hold at our EU warehouse delayed the first "
                "Frame 2 batch. It's "
                "cleared now and orders are going out in the order they were placed.",
                "Shipping has resumed. You'll get a tracking email as soon as your order "
                "leaves the warehouse.",
            ],
            "tip": [
                "The order page lags behind, check for the tracking email instead.",
                "Mine took about ten days after the delay mail, hang in there.",
            ],
            "fixed": [
                "Arrived today! Setup took five minutes.",
                "Tracking number finally came through.",
                "Got mine, it's lovely. Worth the wait, I guess.",
            ],
        },
        "de": {
            "unaffected": [
                "Meiner wurde gestern verschickt, es bewegt sich also was.",
                "Hab heute früh die Sendungsnummer bekommen, durchhalten!",
            ],
            "tip_reply": ["Daumen drücken. Danke.", "Okay, dann behalte ich das Postfach im Blick."],
            "fixnote": "alle restlichen Frame-2-Bestellungen sind verschickt, die Sendungsnummern sind raus.",
            "title": [
                "Frame 2 Vorbestellung immer noch nicht verschickt",
                "Wo bleibt mein Frame 2?",
                "Lieferverzögerung Frame 2, gibt's was Neues?",
                "Frame 2 steht seit Wochen auf 'in Bearbeitung'",
            ],
            "event": [
                "seit der Mail zur Lieferverzögerung",
                "seit der Versandtermin {when} verschoben wurde",
                "seit der Verzögerungsmeldung {when}",
                "obwohl er {when} verschickt werden sollte",
            ],
            "symptom": [
                "steht meine Frame-2-Bestellung immer noch auf 'in Bearbeitung'",
                "gibt es keine Sendungsnummer für meinen Frame 2",
                "steht auf der Bestellseite nur 'Versand wird vorbereitet'",
                "bewegt sich meine Vorbestellung überhaupt nicht",
            ],
            "extra": [
                "Der sollte ein Geburtstagsgeschenk für meine {partner} sein.",
                "Am ersten Tag bestellt, Bestellung #{ticket}.",
                "In der Mail stand 'ein paar Tage', jetzt sind es {days} Tage.",
                "Der Kundenservice schickt nur Textbausteine.",
                "Ich hätte gern wenigstens einen realistischen Termin.",
            ],
            "short": [
                "hat schon jemand seinen frame 2 bekommen?",
                "frame 2 bei mir immer noch in bearbeitung. bei euch?",
                "noch keine sendungsnummer für den frame 2, normal?",
            ],
            "staff": [
                "Sorry für die Wartezeit. Eine Zollprüfung in unserem EU-Lager hat die erste "
                "Frame-2-Charge "
                "aufgehalten. Das ist geklärt, die Bestellungen gehen jetzt in der "
                "Reihenfolge raus, in der sie "
                "eingegangen sind."
            ],
            "tip": [
                "Die Bestellseite hinkt hinterher, achte auf die Versandmail.",
                "Bei mir hat's nach der Verzögerungsmail etwa zehn Tage gedauert.",
            ],
            "fixed": [
                "Heute angekommen! Einrichtung in fünf Minuten.",
                "Endlich kam die Sendungsnummer.",
                "Ist da und wunderschön. Hat sich gelohnt.",
            ],
        },
    },
    "support-unanswered": {
        "day": 21,
        "fix_day": 36,
        "channel": "support",
        "needs": None,
        "cause": "after the help desk switch on {date}, support tickets went unanswered for over a week",
        "en": {
            "unaffected": [
                "Odd, my ticket got answered within a day last week.",
                "Support replied to me yesterday, so something's moving.",
            ],
            "tip_reply": ["Ok, trying a DM now.", "Will try that, thanks."],
            "fixnote": "the backlog from the help desk switch is cleared.",
            "title": [
                "Support ticket unanswered for over a week",
                "Is anyone answering tickets?",
                "No reply to ticket #{ticket}",
                "Support silent since the help desk change",
            ],
            "event": [
                "since the new help desk",
                "since they switched the help desk",
                "after the support system change {when}",
            ],
            "symptom": [
                "my ticket hasn't had a reply in {days} days",
                "nobody has answered my support request",
                "I only got the automatic confirmation and nothing since",
                "my ticket just says 'open' with no response",
            ],
            "extra": [
                "Ticket #{ticket}, if anyone from Lumen is reading.",
                "It's about {a refund|a broken frame|my account}, not a small thing.",
                "I emailed twice more, nothing.",
                "The old help desk always replied within a day.",
            ],
            "short": [
                "how long do tickets take right now? waiting {days} days",
                "anyone had a reply from support lately?",
                "ticket open for over a week, zero reply. normal?",
            ],
            "staff": [
                "Sorry, that's not okay. When we switched help desks, part of the queue "
                "wasn't routed to an agent. "
                "We're working through the backlog oldest first and have extra people on it this week.",
                "If you post or DM me your ticket number, I'll check it personally today.",
            ],
            "tip": [
                "DMing the staff here got me an answer within a day.",
                "Mine got picked up after I replied to the automatic email, maybe that bumps it.",
            ],
            "fixed": [
                "Got an answer today, sorted now.",
                "They replied and fixed it, thanks for escalating.",
            ],
        },
        "de": {
            "unaffected": [
                "Komisch, mein Ticket wurde letzte Woche in einem Tag beantwortet.",
                "Mir hat der Support gestern geantwortet, es tut sich also was.",
            ],
            "tip_reply": ["Okay, ich probiere es per DM.", "Probiere ich, danke."],
            "fixnote": "der Rückstand aus dem Helpdesk-Wechsel ist abgearbeitet.",
            "title": [
                "Support-Ticket seit über einer Woche unbeantwortet",
                "Beantwortet überhaupt jemand Tickets?",
                "Keine Antwort auf Ticket #{ticket}",
                "Support schweigt seit dem neuen Helpdesk",
            ],
            "event": [
                "seit dem neuen Helpdesk",
                "seit der Umstellung des Supports",
                "nach dem Wechsel des Ticketsystems {when}",
            ],
            "symptom": [
                "hat mein Ticket seit {days} Tagen keine Antwort",
                "hat niemand auf meine Anfrage reagiert",
                "kam nur die automatische Bestätigung und sonst nichts",
                "steht mein Ticket nur auf 'offen'",
            ],
            "extra": [
                "Ticket #{ticket}, falls jemand von Lumen mitliest.",
                "Es geht um {eine Erstattung|einen kaputten Rahmen|mein Konto}, nichts Kleines.",
                "Habe noch zweimal gemailt, nichts.",
                "Früher kam immer innerhalb eines Tages eine Antwort.",
            ],
            "short": [
                "wie lange dauern tickets gerade? warte seit {days} tagen",
                "hat jemand in letzter zeit antwort vom support bekommen?",
            ],
            "staff": [
                "Das tut mir leid, so soll das nicht sein. Beim Wechsel des Helpdesks ist ein "
                "Teil der Tickets "
                "keinem Mitarbeiter zugeordnet worden. Wir arbeiten den Rückstand von alt nach neu ab.",
                "Schick mir gern die Ticketnummer per DM, ich schaue heute selbst nach.",
            ],
            "tip": [
                "Per DM an das Team hier ging's bei mir in einem Tag.",
                "Bei mir kam Bewegung rein, als ich auf die automatische Mail geantwortet habe.",
            ],
            "fixed": [
                "Heute kam eine Antwort, ist erledigt.",
                "Die haben sich gemeldet und es gelöst, danke fürs Nachhaken.",
            ],
        },
    },
    "mod-removal": {
        "day": 30,
        "fix_day": None,
        "channel": "billing",
        "needs": None,
        "cause": "a moderator removed a member's post about the price change on {date}",
        "en": {
            "unaffected": ["Never had a post removed here, and I complain a lot 😄"],
            "tip_reply": [
                "Hm, there was a screenshot with my order in it. Maybe that's it.",
                "Could be, I'll check what I posted.",
            ],
            "fixnote": "",
            "notice": [
                "I've removed a post in this thread because it included a full home address "
                "and order details. "
                "Please keep personal data out of public threads, for your own safety."
            ],
            "title": ["Why was my post deleted?", "My post got removed without explanation"],
            "core": [
                "{Symptom}. Why?",
                "So {symptom}. Which rule did I break?",
                "Can a mod explain? {Symptom}.",
            ],
            "metoo": [
                "Same, my post about the refund got removed too last week.",
                "Happened to me as well, {since}. No explanation either.",
                "Mine vanished too. Thought it was a glitch.",
                "Same thing happened to my comment about the price.",
            ],
            "event": ["after the moderator deleted my post", "since my post got removed {when}"],
            "symptom": [
                "my post about the price change just disappeared",
                "you deleted my post without asking",
                "my comment about the refund got removed",
            ],
            "extra": [
                "It wasn't rude, I was just sharing my experience.",
                "Feels like censorship, honestly.",
                "At least tell people which rule they broke.",
                "It's literally a complaint about billing.",
            ],
            "short": ["why did my post get deleted?", "mods removed my message, why?"],
            "staff": [
                "Hi {name}, the post was removed because it contained your full address and "
                "order details, which "
                "we don't allow for your own safety. You're very welcome to post it again without them.",
                "Nothing wrong with criticism here, it was only the personal data. I've sent "
                "you the text back by "
                "DM so you can repost it.",
            ],
            "tip": ["Happened to me once, they removed it because of an email address in a screenshot."],
            "fixed": [
                "Ok, fair enough. I've reposted it without the order number.",
                "Thanks for explaining, that wasn't clear before.",
            ],
        },
        "de": {
            "unaffected": ["Mir wurde hier noch nie was gelöscht, und ich meckere viel 😄"],
            "tip_reply": [
                "Hm, da war ein Screenshot mit meiner Bestellung drin. Vielleicht deshalb.",
                "Kann sein, ich schaue nochmal, was ich gepostet habe.",
            ],
            "fixnote": "",
            "notice": [
                "Ich habe hier einen Beitrag entfernt, weil er eine vollständige Adresse und "
                "Bestelldaten "
                "enthielt. Bitte keine persönlichen Daten in öffentliche Threads, zu eurem "
                "eigenen Schutz."
            ],
            "title": ["Warum wurde mein Beitrag gelöscht?", "Mein Beitrag wurde ohne Begründung entfernt"],
            "core": ["Warum {symptom}?", "Kurze Frage an die Mods: Warum {symptom}?"],
            "metoo": [
                "Meiner wurde letzte Woche auch gelöscht.",
                "Bei mir auch, {since}, ohne Erklärung.",
                "Meiner ist auch verschwunden, dachte, es wäre ein Fehler.",
                "Ging mir genauso, mein Beitrag zur Erstattung ist auch weg.",
            ],
            "event": [
                "nachdem der Moderator meinen Beitrag gelöscht hat",
                "seit mein Beitrag {when} entfernt wurde",
            ],
            "symptom": [
                "ist mein Beitrag zur Preisänderung einfach verschwunden",
                "habt ihr meinen Beitrag ohne Rückfrage gelöscht",
                "wurde mein Kommentar zur Erstattung entfernt",
            ],
            "extra": [
                "Der war nicht unhöflich, ich habe nur meine Erfahrung geschildert.",
                "Fühlt sich nach Zensur an, ehrlich.",
                "Sagt wenigstens, gegen welche Regel ich verstoßen habe.",
                "Das war eine ganz normale Beschwerde zur Abrechnung.",
            ],
            "short": ["warum wurde mein beitrag gelöscht?", "mods haben meine nachricht entfernt, wieso?"],
            "staff": [
                "Hallo {name}, der Beitrag wurde entfernt, weil deine vollständige Adresse "
                "und Bestelldaten drinstanden. "
                "Das erlauben wir zu deinem Schutz nicht. Poste ihn gern noch mal ohne diese Angaben.",
                "Kritik ist hier völlig in Ordnung, es ging nur um die persönlichen Daten. "
                "Ich habe dir den Text per "
                "DM zurückgeschickt.",
            ],
            "tip": ["Ist mir auch mal passiert, wegen einer Mailadresse im Screenshot."],
            "fixed": [
                "Okay, verstehe. Hab's ohne Bestellnummer neu gepostet.",
                "Danke für die Erklärung, war mir vorher nicht klar.",
            ],
        },
    },
    "frame-firmware-1.8": {
        "day": 37,
        "fix_day": 42,
        "channel": "frames",
        "needs": "frame",
        "cause": "frame firmware 1.8 on {date} left frames stuck on 'Connecting' on some routers",
        "en": {
            "unaffected": [
                "My {frame} updated to 1.8 without any trouble, fwiw.",
                "Fine here, the frame reconnected straight away after 1.8.",
            ],
            "fixnote": "firmware 1.8.1 with the reconnect fix is rolling out.",
            "title": [
                "Frame stuck on 'Connecting' after firmware 1.8",
                "Firmware 1.8 broke Wi-Fi on my frame",
                "Frame offline since the 1.8 update",
            ],
            "event": [
                "since firmware 1.8",
                "after the 1.8 update {when}",
                "since the frame updated itself {when}",
            ],
            "symptom": [
                "my frame is stuck on 'Connecting…'",
                "the frame won't reconnect to Wi-Fi",
                "it shows the last photo and says offline",
                "new photos don't arrive on the frame anymore",
            ],
            "extra": [
                "It's a {frame}, about a year old.",
                "Router is fine, everything else is online.",
                "Factory reset didn't help.",
                "It's at my dad's place, so I can't just fiddle with it.",
                "Re-entering the Wi-Fi password fails at the last step.",
            ],
            "short": [
                "frame stuck on connecting since the update, anyone?",
                "is 1.8 breaking wifi for anyone else",
                "my frame went offline after 1.8 :(",
            ],
            "staff": [
                "Thanks, we've found it: 1.8 fails to reconnect on some routers that use WPA3 "
                "mixed mode. A hotfix "
                "(1.8.1) is in testing.",
                "Workaround until the hotfix: switching the router to WPA2 only gets the "
                "frame back online. "
                "Sorry for the hassle.",
            ],
            "tip": [
                "Holding the back button for 10 seconds and setting up Wi-Fi again worked for me.",
                "Switching my router to WPA2 only got it back online.",
            ],
            "fixed": ["1.8.1 arrived and it's been online since.", "Fixed after the hotfix, thanks."],
        },
        "de": {
            "unaffected": [
                "Mein {frame} hat 1.8 ohne Probleme installiert.",
                "Hier alles gut, der Rahmen war nach 1.8 direkt wieder online.",
            ],
            "fixnote": "Firmware 1.8.1 mit dem Fix ist in der Verteilung.",
            "title": [
                "Rahmen hängt bei 'Verbinde…' nach Firmware 1.8",
                "Firmware 1.8 hat das WLAN am Rahmen zerschossen",
                "Rahmen offline seit dem 1.8-Update",
            ],
            "event": [
                "seit Firmware 1.8",
                "nach dem 1.8-Update {when}",
                "seit sich der Rahmen {when} aktualisiert hat",
            ],
            "symptom": [
                "hängt mein Rahmen bei 'Verbinde…'",
                "verbindet sich der Rahmen nicht mehr mit dem WLAN",
                "zeigt er nur noch das letzte Foto und 'offline'",
                "kommen keine neuen Fotos mehr auf dem Rahmen an",
            ],
            "extra": [
                "Ist ein {frame}, etwa ein Jahr alt.",
                "Router ist okay, alles andere ist online.",
                "Werksreset hat nicht geholfen.",
                "Der steht bei meinem Vater, da kann ich nicht einfach rumprobieren.",
                "Beim erneuten Eingeben des WLAN-Passworts bricht er im letzten Schritt ab.",
            ],
            "short": [
                "rahmen hängt seit dem update bei verbinde, noch wer?",
                "macht 1.8 bei noch jemandem das wlan kaputt?",
            ],
            "staff": [
                "Danke, wir haben's: 1.8 verbindet sich bei manchen Routern im "
                "WPA3-Mischmodus nicht neu. Ein "
                "Hotfix (1.8.1) ist im Test.",
                "Bis zum Hotfix hilft es, den Router auf reines WPA2 zu stellen. Sorry für den Ärger.",
            ],
            "tip": [
                "Hinten die Taste 10 Sekunden halten und das WLAN neu einrichten hat bei mir geholfen.",
                "Router auf WPA2 umgestellt, seitdem ist er wieder online.",
            ],
            "fixed": [
                "1.8.1 ist drauf und er ist seitdem online.",
                "Nach dem Hotfix wieder alles gut, danke.",
            ],
        },
    },
    "duplicates-3.3": {
        "day": 44,
        "fix_day": 49,
        "channel": "support",
        "needs": None,
        "cause": "the library re-scan in the 3.3 update on {date} created duplicate photos",
        "en": {
            "unaffected": [
                "No duplicates here after 3.3, but I only have one folder.",
                "Mine looks normal, {device}.",
            ],
            "fixnote": "'Merge duplicates' is live under Library > ⋯.",
            "title": [
                "Duplicate photos everywhere after 3.3",
                "3.3 doubled my library?",
                "Every photo twice since the update",
            ],
            "event": ["since the 3.3 update", "after updating to 3.3", "since the new library scan in 3.3"],
            "symptom": [
                "every photo shows up twice",
                "my library suddenly has thousands of duplicates",
                "the photo count jumped to roughly double",
                "my albums are full of duplicates",
            ],
            "extra": [
                "Storage usage doubled too, which is worrying on a paid plan.",
                "It's the same file, same date, just twice.",
                "I'm not deleting anything until someone confirms which copy is safe.",
                "Happens on both my phone and the web.",
            ],
            "short": [
                "uhh why is every photo twice after 3.3",
                "3.3 duplicated my whole library??",
                "anyone else seeing duplicates since the update",
            ],
            "staff": [
                "We've confirmed the 3.3 library scan re-imported some photos whose file name "
                "changed on the phone. "
                "Please don't delete duplicates by hand, a cleanup that merges them safely is coming.",
                "The duplicates don't count against your storage, only the display is wrong. "
                "The cleanup tool "
                "ships next week.",
            ],
            "tip": [
                "Turning off 'Scan all folders' stopped new duplicates for me at least.",
                "Don't delete them by hand, I did and lost the album assignments.",
            ],
            "fixed": [
                "Ran the merge, library is back to normal.",
                "Cleanup tool worked, the count is right again.",
            ],
        },
        "de": {
            "unaffected": [
                "Bei mir keine Duplikate nach 3.3, hab aber nur einen Ordner.",
                "Bei mir sieht alles normal aus, {device}.",
            ],
            "fixnote": "'Duplikate zusammenführen' ist unter Mediathek > ⋯ verfügbar.",
            "title": [
                "Überall doppelte Fotos nach 3.3",
                "3.3 hat meine Mediathek verdoppelt?",
                "Jedes Foto doppelt seit dem Update",
            ],
            "event": [
                "seit dem Update auf 3.3",
                "nach dem Update auf 3.3",
                "seit dem neuen Mediathek-Scan in 3.3",
            ],
            "symptom": [
                "taucht jedes Foto doppelt auf",
                "hat meine Mediathek plötzlich tausende Duplikate",
                "hat sich die Anzahl Fotos ungefähr verdoppelt",
                "sind meine Alben voller Duplikate",
            ],
            "extra": [
                "Der Speicher hat sich auch verdoppelt, bei einem Bezahltarif beunruhigend.",
                "Gleiche Datei, gleiches Datum, nur zweimal.",
                "Ich lösche nichts, bis jemand sagt, welche Kopie sicher ist.",
                "Am Handy und im Browser.",
            ],
            "short": [
                "äh warum ist seit 3.3 jedes foto doppelt",
                "3.3 hat meine ganze mediathek dupliziert??",
                "sieht noch jemand duplikate seit dem update",
            ],
            "staff": [
                "Bestätigt: Der Mediathek-Scan in 3.3 hat Fotos, deren Dateiname sich am "
                "Handy geändert hat, neu "
                "importiert. Bitte Duplikate nicht von Hand löschen, ein Aufräum-Werkzeug kommt.",
                "Die Duplikate zählen nicht zum Speicher, nur die Anzeige stimmt nicht. Das "
                "Werkzeug kommt nächste Woche.",
            ],
            "tip": [
                "'Alle Ordner scannen' ausschalten hat bei mir zumindest neue Duplikate gestoppt.",
                "Nicht von Hand löschen, dabei gingen bei mir die Albenzuordnungen verloren.",
            ],
            "fixed": [
                "Zusammenführen laufen lassen, Mediathek ist wieder normal.",
                "Das Werkzeug hat funktioniert, Anzahl stimmt wieder.",
            ],
        },
    },
    "family-plan": {
        "day": 48,
        "fix_day": 52,
        "channel": "billing",
        "needs": None,
        "cause": "the family plan change on {date} removed shared album access for invited members",
        "en": {
            "unaffected": [
                "Our family plan carried over fine, all five of us still see everything.",
                "No problems here, but we only set it up this year.",
            ],
            "fixnote": "album permissions have been restored for every family plan.",
            "title": [
                "Family members lost access to shared albums",
                "Family plan change kicked my parents out",
                "Invited members can't see anything since the family plan update",
            ],
            "event": [
                "since the family plan change",
                "after the family plan update {when}",
                "since the switch to the new family plan",
            ],
            "symptom": [
                "my family members can't see our shared albums anymore",
                "my mum gets 'no access' on every album",
                "the invited accounts show an empty library",
                "my {partner} was dropped from the plan",
            ],
            "extra": [
                "Nothing changed on our side.",
                "Re-inviting them doesn't work, the invite link errors out.",
                "It's the albums with all the kids' photos, so everyone's asking me.",
                "Their frames still play the old photos, but nothing new arrives.",
            ],
            "short": [
                "family plan members lost access for anyone else?",
                "since the family plan thing my {partner} can't see our albums",
                "anyone's invited family kicked out today?",
            ],
            "staff": [
                "Thanks for the reports. The move to the new family plan didn't carry over "
                "album permissions for "
                "members invited before 2024. We're restoring them now.",
                "Sorry about this. Permissions are being restored for every affected plan, "
                "members may need to "
                "pull down to refresh once it's done.",
            ],
            "tip": ["Removing and re-adding the member from the web (not the app) worked for me."],
            "fixed": ["Everyone's back in, thanks.", "Mum can see the albums again."],
        },
        "de": {
            "unaffected": [
                "Unser Familientarif ist sauber umgezogen, alle sehen alles.",
                "Hier keine Probleme, wir haben den Tarif aber erst dieses Jahr.",
            ],
            "fixnote": "die Albenrechte sind für alle Familientarife wiederhergestellt.",
            "title": [
                "Familienmitglieder haben keinen Zugriff mehr auf geteilte Alben",
                "Familientarif-Umstellung hat meine Eltern rausgeworfen",
                "Eingeladene sehen seit dem Familien-Update nichts mehr",
            ],
            "event": [
                "seit der Umstellung des Familientarifs",
                "nach dem Familien-Update {when}",
                "seit dem neuen Familientarif",
            ],
            "symptom": [
                "sehen meine Familienmitglieder unsere geteilten Alben nicht mehr",
                "bekommt meine Mutter bei jedem Album 'kein Zugriff'",
                "zeigen die eingeladenen Konten eine leere Mediathek",
                "wurde meine {partner} aus dem Tarif geworfen",
            ],
            "extra": [
                "Bei uns hat sich nichts geändert.",
                "Neu einladen geht nicht, der Einladungslink bringt einen Fehler.",
                "Das sind die Alben mit den ganzen Kinderfotos, alle fragen mich.",
                "Deren Rahmen zeigen noch die alten Fotos, aber nichts Neues kommt an.",
            ],
            "short": [
                "haben bei noch jemandem die familienmitglieder keinen zugriff mehr?",
                "seit der familientarif-sache sieht meine {partner} unsere alben nicht",
            ],
            "staff": [
                "Danke für die Meldungen. Beim Umzug auf den neuen Familientarif wurden die "
                "Albenrechte von "
                "Mitgliedern, die vor 2024 eingeladen wurden, nicht übernommen. Wir stellen "
                "sie gerade wieder her."
            ],
            "tip": [
                "Mitglied im Browser (nicht in der App) entfernen und neu hinzufügen hat bei mir geklappt."
            ],
            "fixed": ["Alle sind wieder drin, danke.", "Mama sieht die Alben wieder."],
        },
    },
    "notifications-3.3.1": {
        "day": 51,
        "fix_day": 55,
        "channel": "support",
        "needs": None,
        "cause": "the 3.3.1 update on {date} sends repeated 'memories' notifications at night",
        "en": {
            "unaffected": [
                "Quiet nights here, {device} with {os}.",
                "Haven't had a single one, maybe I have memories off.",
            ],
            "fixnote": "3.3.2 with the quiet-hours fix is out.",
            "title": [
                "Endless 'memories' notifications since 3.3.1",
                "3.3.1 spams me with notifications at night",
                "Notifications at 3 am since the update",
            ],
            "event": ["since 3.3.1", "after the 3.3.1 update", "since the last update {when}"],
            "symptom": [
                "I get the same 'memories' notification over and over",
                "my phone buzzes with 'On this day' at 3 am",
                "the app sends a dozen notifications a night",
                "the memories notification repeats every few minutes",
            ],
            "extra": [
                "Turned off memories in the app and it still comes.",
                "Woke me up twice last night.",
                "Muting the app helps but then I miss the share notifications.",
            ],
            "short": [
                "is anyone else getting memories notifications at 3am??",
                "3.3.1 notification spam, pls make it stop",
                "same memory notif 10 times tonight lol. not funny",
            ],
            "staff": [
                "Sorry! 3.3.1 ignores the quiet hours when it reschedules memories. 3.3.2 "
                "fixes it and is in review.",
                "Until 3.3.2 reaches you, turning off Settings > Notifications > Memories stops it.",
            ],
            "tip": ["Settings > Notifications > Memories off stops it for now."],
            "fixed": ["3.3.2 fixed it, quiet night finally.", "No more 3 am buzzing since the update."],
        },
        "de": {
            "unaffected": [
                "Bei mir ist nachts Ruhe, {device} mit {os}.",
                "Hab keine einzige bekommen, vielleicht sind Erinnerungen bei mir aus.",
            ],
            "fixnote": "3.3.2 mit dem Ruhezeiten-Fix ist draußen.",
            "title": [
                "Endlose 'Erinnerungen'-Benachrichtigungen seit 3.3.1",
                "3.3.1 spammt mich nachts zu",
                "Benachrichtigungen um 3 Uhr nachts seit dem Update",
            ],
            "event": ["seit 3.3.1", "nach dem Update auf 3.3.1", "seit dem letzten Update {when}"],
            "symptom": [
                "bekomme ich immer wieder dieselbe 'Erinnerungen'-Benachrichtigung",
                "brummt mein Handy um 3 Uhr mit 'Heute vor einem Jahr'",
                "schickt die App ein Dutzend Benachrichtigungen pro Nacht",
                "wiederholt sich die Erinnerungs-Benachrichtigung alle paar Minuten",
            ],
            "extra": [
                "Erinnerungen in der App ausgeschaltet, kommt trotzdem.",
                "Bin letzte Nacht zweimal davon aufgewacht.",
                "App stummschalten hilft, aber dann verpasse ich die Freigaben.",
            ],
            "short": [
                "bekommt noch jemand nachts um 3 erinnerungs-benachrichtigungen??",
                "3.3.1 benachrichtigungs-spam, bitte abstellen",
            ],
            "staff": [
                "Sorry! 3.3.1 ignoriert beim Neuplanen der Erinnerungen die Ruhezeiten. 3.3.2 "
                "behebt das und ist in Prüfung."
            ],
            "tip": ["Einstellungen > Benachrichtigungen > Erinnerungen aus, dann ist erstmal Ruhe."],
            "fixed": [
                "3.3.2 hat's behoben, endlich eine ruhige Nacht.",
                "Kein nächtliches Brummen mehr seit dem Update.",
            ],
        },
    },
}

COMPLAINT_OPEN = {
    "en": [
        "Hi,",
        "Ok so",
        "Hello,",
        "Hi all,",
        "Not happy right now.",
        "Right.",
        "Hey,",
        "Sorry, need to vent a bit.",
        "",
    ],
    "de": [
        "Hallo,",
        "Also",
        "Hallo zusammen,",
        "Moin,",
        "Bin gerade echt bedient.",
        "Hi,",
        "Muss mal kurz Dampf ablassen.",
        "",
    ],
}
FRUSTRATION = {
    "en": [
        "This is really frustrating.",
        "Honestly not what I expect from a paid service.",
        "I pay {price} a month for this.",
        "Kind of annoyed tbh.",
        "Getting a bit fed up.",
        "Please fix this asap.",
        "Any ETA on a fix?",
        "Is anyone from Lumen reading this?",
        "Not happy.",
        "Really disappointing.",
        "Come on, Lumen.",
        "How does this get past testing?",
        "Can someone please look into it?",
        "",
    ],
    "de": [
        "Echt ärgerlich.",
        "Für einen Bezahldienst ist das schwach.",
        "Ich zahle {price} im Monat dafür.",
        "Langsam nervt es.",
        "Bitte dringend beheben.",
        "Gibt es schon einen Zeitplan für den Fix?",
        "Liest hier jemand von Lumen mit?",
        "Ich bin ziemlich enttäuscht.",
        "So macht das keinen Spaß.",
        "Wie kommt so was durch den Test?",
        "Kann sich das bitte mal jemand anschauen?",
        "",
    ],
}
TIP_FAIL = {
    "en": [
        "Tried that, no luck.",
        "Thanks, but that didn't change anything.",
        "Did that already, still the same.",
        "Nope, same problem after that.",
        "Appreciate it, but no difference here.",
        "Tried it twice, still broken.",
    ],
    "de": [
        "Hab ich probiert, bringt nichts.",
        "Danke, hat aber nichts geändert.",
        "Schon gemacht, immer noch dasselbe.",
        "Nee, danach genau das gleiche Problem.",
        "Lieb gemeint, aber keine Änderung.",
        "Zweimal probiert, geht immer noch nicht.",
    ],
}
TIP_OK = {
    "en": [
        "That workaround did it for now, thanks {name}!",
        "Ok, that worked as a stopgap. Still hope they fix it properly.",
        "Oh nice, that got me going again. Thanks.",
    ],
    "de": [
        "Der Workaround hilft erstmal, danke {name}!",
        "Okay, so geht's vorerst. Hoffe trotzdem auf einen richtigen Fix.",
        "Oh super, damit läuft's wieder. Danke.",
    ],
}
METOO = {
    "en": {
        "short": [
            "+1",
            "Same here.",
            "Same problem {since}.",
            "Same here, {device}.",
            "Me too.",
            "Can confirm.",
            "Can confirm, {device} on {os}.",
            "Exactly the same for me.",
            "Yep, same.",
            "Happening to me as well.",
            "Glad it's not just me.",
            "Same, started {when}.",
            "Ditto.",
            "+1, same {since}.",
            "Same issue here 😕",
            "Also affected.",
            "Oh good, I thought it was just me.",
            "Yup. Same.",
            "This. Exactly this.",
            "Same for me and my {partner}.",
            "Same boat.",
            "Same thing here, {since}.",
            "Same, {device} here.",
            "Same here, following.",
            "Me too, {since}. Following this thread.",
        ],
        "lead": [
            "Same here,",
            "Same for me:",
            "Yep,",
            "Also here:",
            "Me too:",
            "Can confirm,",
            "Same boat:",
            "Yeah,",
            "Same problem:",
            "Ugh, same:",
            "Same,",
            "Mine too:",
        ],
        "tail": [
            "",
            "",
            " Really hope they fix it soon.",
            " Following.",
            " Any news?",
            " {device} here.",
            " Subscribing to this thread.",
            " Started {when}.",
            " Annoying.",
        ],
    },
    "de": {
        "short": [
            "+1",
            "Geht mir genauso.",
            "Bei mir auch.",
            "Dito.",
            "Same hier.",
            "Gleiches Problem {since}.",
            "Bei mir auch, {device}.",
            "Kann ich bestätigen.",
            "Kann ich bestätigen, {device} mit {os}.",
            "Hier genauso.",
            "Ich dachte schon, es liegt an mir.",
            "Jep, bei mir auch.",
            "Ebenso.",
            "Hab ich auch, {since}.",
            "Bei uns dasselbe.",
            "Geht mir leider auch so 😕",
            "Auch betroffen.",
            "Ja, genau das Gleiche hier.",
            "Bei mir auch {since}.",
            "Geht mir genauso, {device}.",
        ],
        "lead": [
            "Bei mir auch:",
            "Hier genauso,",
            "Geht mir genauso,",
            "Kann ich bestätigen,",
            "Jep,",
            "Dito,",
            "Gleiches hier:",
            "Bei mir auch,",
        ],
        "tail": [
            "",
            "",
            " Hoffentlich wird das bald behoben.",
            " Gibt's schon was Neues?",
            " Ich verfolge das mal.",
            " {device} hier.",
            " Nervt.",
        ],
    },
}
NOT_AFFECTED = {
    "en": [
        "Working fine here on {device}, fwiw.",
        "No issues on my side, {device} with {os}.",
        "Odd, mine's fine. {device}.",
        "Not seeing this here, for what it's worth.",
        "Fine for me so far, {device}. Maybe it's rolling out in stages?",
    ],
    "de": [
        "Bei mir läuft alles, {device}.",
        "Hier keine Probleme, {device} mit {os}.",
        "Komisch, bei mir geht's. {device}.",
        "Hier bisher alles normal, vielleicht wird das stufenweise verteilt?",
    ],
}
STAFF_OPEN = {
    "en": [
        "Hi {name},",
        "Hi {name}, thanks for the report.",
        "Hey {name},",
        "Thanks for flagging, {name}.",
        "",
        "",
    ],
    "de": [
        "Hallo {name},",
        "Hallo {name}, danke für die Meldung.",
        "Hi {name},",
        "Danke fürs Melden, {name}.",
        "",
        "",
    ],
}
STAFF_CLOSE = {
    "en": [
        "I'll post here as soon as there's news.",
        "I'll keep this thread updated.",
        "Thanks for your patience.",
        "Sorry for the trouble.",
        "",
    ],
    "de": [
        "Ich melde mich hier, sobald es Neues gibt.",
        "Ich halte den Thread auf dem Laufenden.",
        "Danke für eure Geduld.",
        "Sorry für den Ärger.",
        "",
    ],
}
STAFF_FIXED = {
    "en": [
        "Quick update: {fixnote} Please let us know if anyone is still affected.",
        "{Fixnote} Thanks everyone for the reports, they really helped.",
        "Update: {fixnote} If you still see the problem, reply here and I'll check your account.",
        "Good news: {fixnote} Sorry again for the trouble.",
        "Closing the loop here: {fixnote}",
    ],
    "de": [
        "Kurzes Update: {fixnote} Sagt Bescheid, falls es noch jemanden betrifft.",
        "{Fixnote} Danke an alle für die Meldungen, das hat geholfen.",
        "Update: {fixnote} Wenn es bei dir noch auftritt, antworte hier und ich schaue mir dein Konto an.",
        "Gute Nachrichten: {fixnote} Nochmals sorry für den Ärger.",
        "Zum Abschluss: {fixnote}",
    ],
}
BUMP = {
    "en": [
        "Any update on this?",
        "Still happening for me. Any news?",
        "Bump. Still broken here.",
        "Is there an ETA? It's been {days} days.",
    ],
    "de": [
        "Gibt's hier schon was Neues?",
        "Bei mir immer noch. Neuigkeiten?",
        "Push. Geht immer noch nicht.",
        "Gibt es einen Zeitplan? Sind jetzt {days} Tage.",
    ],
}

# ----------------------------------------------------------------------------------------- announcements

# Staff posts in "announcements" (English) and "deutsch" (German). `topic` links the complaints that
# answer them; `ref` is the day a date in the text refers to.
ANNOUNCEMENTS = {
    "maintenance": {
        "kind": "news",
        "day": 2,
        "ref": 4,
        "topic": "sync-migration",
        "staff": "staff-ravi",
        "en": {
            "title": "Scheduled maintenance: storage migration on {refdate}",
            "text": "Hi everyone,\n\nOn {refdate} we're moving photo storage to our new data "
            "centre. The app keeps "
            "working, but uploads may pause for a few hours during the move. Nothing "
            "needs doing on your "
            "side.\n\nThanks for your patience!\n{me}, Lumen team",
            "feature": ["faster uploads after the move", "the new data centre"],
        },
        "de": {
            "title": "Wartungsarbeiten: Speicher-Umzug am {refdate}",
            "text": "Hallo zusammen,\n\nam {refdate} ziehen wir den Fotospeicher in unser neues "
            "Rechenzentrum um. Die "
            "App funktioniert weiter, Uploads können aber für ein paar Stunden pausieren. "
            "Ihr müsst nichts "
            "tun.\n\nDanke für eure Geduld!\n{me} vom Lumen-Team",
            "feature": ["schnellere Uploads nach dem Umzug", "das neue Rechenzentrum"],
        },
    },
    "guidelines": {
        "kind": "news",
        "day": 8,
        "ref": 8,
        "topic": None,
        "staff": "staff-maya",
        "en": {
            "title": "Community guidelines refresh",
            "text": "Hi all! We've tidied up the community guidelines. Short version: be kind, no "
            "personal data in "
            "public posts (addresses, order numbers, emails), and keep criticism about "
            "the product, not "
            "people. Full text is pinned in the sidebar. Questions welcome below.",
            "feature": ["the clearer rules", "the new report button"],
        },
    },
    "release-3.2": {
        "kind": "app",
        "day": 13,
        "ref": 13,
        "topic": "login-3.2",
        "staff": "staff-maya",
        "en": {
            "title": "Lumen 3.2 is out: comments on shared albums, faster uploads, new sign-in",
            "text": "Lumen 3.2 is rolling out on iOS and Android today.\n\n- Comments on shared "
            "albums\n- Uploads "
            "up to twice as fast on Wi-Fi\n- A redesigned sign-in screen with passkey "
            "support\n- Lots of "
            "small fixes\n\nLet us know what you think!",
            "feature": ["comments on shared albums", "faster uploads", "passkey support"],
        },
        "de": {
            "title": "Lumen 3.2 ist da: Kommentare in geteilten Alben, schnellere Uploads, neue Anmeldung",
            "text": "Lumen 3.2 wird ab heute für iOS und Android verteilt.\n\n- Kommentare in "
            "geteilten Alben\n- "
            "Uploads im WLAN bis zu doppelt so schnell\n- Neuer Anmeldebildschirm mit "
            "Passkeys\n- Viele "
            "kleine Fehlerbehebungen\n\nSagt uns, wie es euch gefällt!",
            "feature": ["Kommentare in geteilten Alben", "schnellere Uploads", "Passkeys"],
        },
    },
    "pricing": {
        "kind": "news",
        "day": 16,
        "ref": 23,
        "topic": "double-charge",
        "staff": "staff-maya",
        "en": {
            "title": "Changes to Lumen Plus pricing from {refdate}",
            "text": "Hi everyone,\n\nfrom {refdate}, Lumen Plus costs {price} a month (yearly "
            "plans: the new price "
            "applies at your next renewal). It's our first price change in three years; "
            "it pays for the "
            "new data centre and the frame service. Family plans now include up to 6 "
            "people.\n\nWe know "
            "nobody likes price changes, so ask us anything below.",
            "feature": ["the bigger family plan", "more storage"],
        },
        "de": {
            "title": "Neue Preise für Lumen Plus ab {refdate}",
            "text": "Hallo zusammen,\n\nab {refdate} kostet Lumen Plus {price} im Monat "
            "(Jahresabos: der neue Preis "
            "gilt ab der nächsten Verlängerung). Es ist die erste Preisänderung seit drei "
            "Jahren. Der "
            "Familientarif umfasst jetzt bis zu 6 Personen.\n\nFragen gern hier drunter.",
            "feature": ["den größeren Familientarif", "mehr Speicher"],
        },
    },
    "fix-3.2.1": {
        "kind": "app",
        "day": 17,
        "ref": 17,
        "topic": None,
        "staff": "staff-ravi",
        "en": {
            "title": "3.2.1 fixes the Android sign-in problem",
            "text": "3.2.1 is in the Play Store now and fixes the sign-in loop some of you hit on "
            "Android after 3.2. "
            "Thanks for all the reports and your patience.",
            "feature": ["the login fix"],
        },
    },
    "frame2-delay": {
        "kind": "news",
        "day": 21,
        "ref": 21,
        "topic": "frame-shipping",
        "staff": "staff-maya",
        "en": {
            "title": "Frame 2 pre-orders: shipping update",
            "text": "Bad news first: the first batch of Frame 2 is held at customs at our EU "
            "warehouse, so pre-orders "
            "won't ship on {refdate} as planned. We expect a delay of a few days and will "
            "email everyone "
            "with tracking as soon as orders leave. Sorry, we were as excited as you are.",
            "feature": ["the Frame 2"],
        },
    },
    "helpdesk": {
        "kind": "news",
        "day": 21,
        "ref": 21,
        "topic": None,
        "staff": "staff-ravi",
        "en": {
            "title": "We're moving to a new help desk",
            "text": "From {refdate}, support tickets run on our new help desk. You'll get a "
            "confirmation email with "
            "a new ticket number. Open tickets are carried over automatically.",
            "feature": ["the new ticket numbers"],
        },
    },
    "refunds": {
        "kind": "news",
        "day": 26,
        "ref": 26,
        "topic": None,
        "staff": "staff-maya",
        "en": {
            "title": "Refunds for duplicate charges are out",
            "text": "All duplicate charges from the renewal run on the day of the price change "
            "have been refunded. "
            "Depending on your bank it takes a few days to appear. Sorry again.",
            "feature": ["the refunds"],
        },
        "de": {
            "title": "Erstattungen für doppelte Abbuchungen sind raus",
            "text": "Alle doppelten Abbuchungen vom Tag der Preisumstellung sind erstattet. Je "
            "nach Bank dauert es "
            "ein paar Tage. Nochmals Entschuldigung.",
            "feature": ["die Erstattungen"],
        },
    },
    "ama": {
        "kind": "event",
        "day": 33,
        "ref": 35,
        "topic": None,
        "staff": "staff-maya",
        "en": {
            "title": "Ask the Lumen team anything: {refdate}",
            "text": "On {refdate} at 5 pm UK time, our product lead and two engineers will answer "
            "questions in this "
            "thread for an hour. Post your questions early so we can prepare.",
            "feature": ["the AMA", "talking to the engineers"],
        },
    },
    "frame2-shipping": {
        "kind": "news",
        "day": 34,
        "ref": 34,
        "topic": None,
        "staff": "staff-maya",
        "en": {
            "title": "Frame 2 is shipping!",
            "text": "All remaining Frame 2 pre-orders have left the warehouse. Tracking emails "
            "are out. Thanks for "
            "waiting, and please share your setups in Show and tell!",
            "feature": ["the Frame 2"],
        },
    },
    "firmware-1.8": {
        "kind": "frame",
        "day": 37,
        "ref": 37,
        "topic": "frame-firmware-1.8",
        "staff": "staff-ravi",
        "en": {
            "title": "Frame firmware 1.8: calmer transitions and a night clock",
            "text": "Frame firmware 1.8 installs itself over the next few days.\n\n- Slower, "
            "calmer transitions\n- "
            "Optional clock overlay at night\n- Better Wi-Fi roaming\n\nNo action needed.",
            "feature": ["the night clock", "calmer transitions"],
        },
        "de": {
            "title": "Rahmen-Firmware 1.8: ruhigere Übergänge und Nachtuhr",
            "text": "Die Rahmen-Firmware 1.8 installiert sich in den nächsten Tagen von "
            "selbst.\n\n- Langsamere, "
            "ruhigere Übergänge\n- Optionale Uhr in der Nacht\n- Besseres "
            "WLAN-Roaming\n\nIhr müsst nichts tun.",
            "feature": ["die Nachtuhr", "ruhigere Übergänge"],
        },
    },
    "firmware-1.8.1": {
        "kind": "frame",
        "day": 42,
        "ref": 42,
        "topic": None,
        "staff": "staff-ravi",
        "en": {
            "title": "Firmware 1.8.1 hotfix for frames stuck on 'Connecting'",
            "text": "1.8.1 fixes the reconnect problem with some WPA3 routers. Frames that are "
            "online get it "
            "automatically; for stuck frames, hold the back button for 10 seconds and "
            "reconnect once.",
            "feature": ["the hotfix"],
        },
    },
    "release-3.3": {
        "kind": "app",
        "day": 44,
        "ref": 44,
        "topic": "duplicates-3.3",
        "staff": "staff-maya",
        "en": {
            "title": "Lumen 3.3: smarter library scan and Memories",
            "text": "3.3 is rolling out today.\n\n- A new library scan that finds photos in every "
            "folder on your "
            "phone\n- Memories: 'on this day' collections\n- Faster search\n\nEnjoy, and "
            "tell us what you think!",
            "feature": ["Memories", "faster search", "the folder scan"],
        },
        "de": {
            "title": "Lumen 3.3: schlauerer Mediathek-Scan und Erinnerungen",
            "text": "3.3 wird ab heute verteilt.\n\n- Neuer Mediathek-Scan, der Fotos in allen "
            "Ordnern findet\n- "
            "Erinnerungen: 'Heute vor ...'-Sammlungen\n- Schnellere Suche\n\nViel Spaß "
            "und sagt uns eure Meinung!",
            "feature": ["die Erinnerungen", "die schnellere Suche", "den Ordner-Scan"],
        },
    },
    "contest": {
        "kind": "event",
        "day": 45,
        "ref": 59,
        "topic": None,
        "staff": "staff-maya",
        "en": {
            "title": "Photo contest of the month: '{theme}' 📸",
            "text": "This month's theme is '{theme}'. Post your best shot in this thread until {refdate}; "
            "three winners get a Frame Mini. One photo per person, please!",
            "feature": ["the contest", "the Frame Mini prizes"],
        },
        "de": {
            "title": "Fotowettbewerb des Monats: '{theme}' 📸",
            "text": "Das Thema diesen Monat: '{theme}'. Zeigt bis zum {refdate} euer bestes Foto in diesem "
            "Thread. Drei Gewinner bekommen einen Frame Mini. Bitte ein Foto pro Person!",
            "feature": ["den Wettbewerb", "die Preise"],
        },
    },
    "halloween": {
        "kind": "event",
        "day": 45,
        "ref": 59,
        "topic": None,
        "staff": "staff-maya",
        "en": {
            "title": "Halloween photo contest 🎃",
            "text": "Costumes, pumpkins, spooky pets: post your best Halloween photo in this "
            "thread until {refdate}. "
            "Three winners get a Frame Mini. Keep it family friendly!",
            "feature": ["the contest", "the Frame Mini prizes"],
        },
        "de": {
            "title": "Halloween-Fotowettbewerb 🎃",
            "text": "Kostüme, Kürbisse, gruselige Haustiere: Zeigt bis zum {refdate} euer bestes "
            "Halloween-Foto. "
            "Drei Gewinner bekommen einen Frame Mini!",
            "feature": ["den Wettbewerb", "die Preise"],
        },
    },
    "family-plan": {
        "kind": "news",
        "day": 48,
        "ref": 48,
        "topic": "family-plan",
        "staff": "staff-maya",
        "en": {
            "title": "Family plan update: up to 6 members, shared frames",
            "text": "Today we're moving all family plans to the new version: up to 6 members, and "
            "everyone in the "
            "plan can send photos to shared frames. Existing members carry over automatically.",
            "feature": ["shared frames", "6 members"],
        },
    },
    "merge-tool": {
        "kind": "app",
        "day": 49,
        "ref": 49,
        "topic": None,
        "staff": "staff-ravi",
        "en": {
            "title": "New: 'Merge duplicates' cleans up after 3.3",
            "text": "Library > ⋯ > Merge duplicates is live. It merges the duplicates that the "
            "3.3 scan created and "
            "keeps album assignments and edits. Run it once, it takes a few minutes for "
            "big libraries.",
            "feature": ["the merge tool"],
        },
        "de": {
            "title": "Neu: 'Duplikate zusammenführen' räumt nach 3.3 auf",
            "text": "Mediathek > ⋯ > Duplikate zusammenführen ist live. Das Werkzeug führt die "
            "Duplikate aus dem "
            "3.3-Scan zusammen und behält Alben und Bearbeitungen.",
            "feature": ["das Aufräum-Werkzeug"],
        },
    },
    "release-3.3.2": {
        "kind": "app",
        "day": 55,
        "ref": 55,
        "topic": None,
        "staff": "staff-ravi",
        "en": {
            "title": "3.3.2: quiet hours respected again",
            "text": "3.3.2 fixes the repeated Memories notifications at night. Sorry for the "
            "sleepless nights!",
            "feature": ["quiet nights"],
        },
    },
}
ANNOUNCE_REPLY = {
    "app": {
        "en": [
            "Nice, {feature}! Exactly what I was waiting for.",
            "Finally {feature} 🎉",
            "Updated on my {device}, all good so far.",
            "Great work, team.",
            "Ooh, {feature}. Trying it tonight.",
            "Thanks {name}! Any plans for {idea}?",
            "Love a short and clear changelog.",
            "Smooth update here on {device}.",
            "Really like the sound of {feature}, well done.",
            "Not in the store for me yet, guess it's rolling out in stages.",
            "Downloading now 🙂",
        ],
        "de": [
            "Super, auf {feature} habe ich gewartet.",
            "Endlich {feature} 🎉",
            "Auf dem {device} aktualisiert, bisher alles gut.",
            "Gute Arbeit!",
            "Oh, {feature}. Probiere ich heute Abend aus.",
            "Danke {name}! Habt ihr auch {idea} geplant?",
            "Läuft bei mir auf dem {device} ohne Probleme.",
            "Bei mir ist es noch nicht im Store, kommt wohl nach und nach.",
            "Lade gerade runter 🙂",
        ],
    },
    "frame": {
        "en": [
            "Mine updated overnight, loving {feature}.",
            "Nice, I've been waiting for {feature}.",
            "My {frame} got it this morning, all fine.",
            "Thanks for the heads-up, {name}.",
            "Ooh, {feature}. Will check my parents' frame later.",
            "Still on the old version here, guess it's staggered.",
            "The {frame} keeps getting better.",
        ],
        "de": [
            "Meiner hat sich über Nacht aktualisiert, sieht schön aus.",
            "Super, auf {feature} habe ich lange gewartet.",
            "Mein {frame} hat's heute früh bekommen, alles gut.",
            "Danke für die Info, {name}.",
            "Oh, {feature}. Schaue nachher beim Rahmen meiner Eltern.",
            "Hier noch die alte Version, kommt wohl gestaffelt.",
        ],
    },
    "news": {
        "en": [
            "Thanks for the heads-up!",
            "Good to know, thanks.",
            "Appreciate the transparency.",
            "Thanks for letting us know in advance.",
            "Thanks {name}, clear and simple.",
            "Fair enough, thanks for explaining.",
            "Noted, thanks!",
            "Thanks for being upfront about it.",
            "Bookmarked, thanks {name}.",
            "Good communication, as always.",
        ],
        "de": [
            "Danke für die Info!",
            "Gut zu wissen, danke.",
            "Danke für die offene Kommunikation.",
            "Danke für die frühe Info.",
            "Danke {name}, klar und verständlich.",
            "Fair, danke für die Erklärung.",
            "Notiert, danke!",
            "Danke, dass ihr das offen sagt.",
        ],
    },
    "event": {
        "en": [
            "Count me in!",
            "Love this idea, thanks {name}!",
            "Already picking my photo 😄",
            "Ooh fun. Is there a limit per person?",
            "This is great, more of this please.",
            "Will there be a recording for those of us at work?",
            "Brilliant idea.",
        ],
        "de": [
            "Bin dabei!",
            "Schöne Idee, danke {name}!",
            "Suche schon mein Foto aus 😄",
            "Wie cool. Gibt's ein Limit pro Person?",
            "Mehr davon, bitte.",
            "Tolle Idee.",
        ],
    },
}

# -------------------------------------------------------------------------------------- feature requests

FEATURES = [
    {
        "en": {
            "title": "Idea: show the date on the frame",
            "short": "a date overlay",
            "pitch": "Would love a small date or place caption on the frame. My parents always ask "
            "'when was this?'",
        },
        "de": {
            "title": "Idee: Datum auf dem Rahmen anzeigen",
            "short": "eine Datumsanzeige",
            "pitch": "Ein kleines Datum oder der Ort am Rand wäre toll. Meine Eltern fragen immer "
            "'wann war das?'",
        },
    },
    {
        "en": {
            "title": "Feature request: hidden album with PIN",
            "short": "a hidden album",
            "pitch": "A locked album with a PIN for documents and stuff I don't want on the frame "
            "or in search.",
        },
        "de": {
            "title": "Wunsch: verstecktes Album mit PIN",
            "short": "ein verstecktes Album",
            "pitch": "Ein gesperrtes Album mit PIN für Dokumente und Sachen, die nicht auf den "
            "Rahmen sollen.",
        },
    },
    {
        "en": {
            "title": "Map view for photos?",
            "short": "a map view",
            "pitch": "A map of where photos were taken would be amazing for travel albums.",
        },
        "de": {
            "title": "Kartenansicht für Fotos?",
            "short": "eine Kartenansicht",
            "pitch": "Eine Karte mit den Aufnahmeorten wäre für Reisealben genial.",
        },
    },
    {
        "en": {
            "title": "Let me turn off Memories completely",
            "short": "a Memories off switch",
            "pitch": "Some dates are hard. Please let me exclude people or dates from 'on this "
            "day', or turn it off.",
        },
        "de": {
            "title": "Erinnerungen komplett abschaltbar machen",
            "short": "einen Aus-Schalter für Erinnerungen",
            "pitch": "Manche Tage sind schwer. Bitte Personen oder Daten ausschließen können oder "
            "ganz abschalten.",
        },
    },
    {
        "en": {
            "title": "Weather widget on the frame",
            "short": "weather on the frame",
            "pitch": "The frame is in the hallway, a tiny weather line in the corner would be so "
            "useful in the morning.",
        },
        "de": {
            "title": "Wetter auf dem Rahmen",
            "short": "Wetter auf dem Rahmen",
            "pitch": "Der Rahmen hängt im Flur, eine kleine Wetterzeile morgens wäre super praktisch.",
        },
    },
    {
        "en": {
            "title": "Linux desktop app please",
            "short": "a Linux app",
            "pitch": "The web app works but a proper sync client for Linux would let me back up my "
            "desktop folders.",
        },
        "de": {
            "title": "Bitte eine Linux-App",
            "short": "eine Linux-App",
            "pitch": "Die Web-App geht, aber ein richtiger Sync-Client für Linux wäre klasse.",
        },
    },
    {
        "en": {
            "title": "Captions from the album shown on the frame",
            "short": "captions on the frame",
            "pitch": "I write little captions for my gran, it'd be lovely if the frame showed them "
            "under the photo.",
        },
        "de": {
            "title": "Bildunterschriften auf dem Rahmen",
            "short": "Bildunterschriften auf dem Rahmen",
            "pitch": "Ich schreibe kleine Texte für meine Oma, schön wäre, wenn der Rahmen die anzeigt.",
        },
    },
    {
        "en": {
            "title": "TV app (Apple TV / Android TV)",
            "short": "a TV app",
            "pitch": "Our TV could be a giant frame when nobody's watching. A TV app with the same "
            "slideshow, please!",
        },
        "de": {
            "title": "TV-App (Apple TV / Android TV)",
            "short": "eine TV-App",
            "pitch": "Unser Fernseher könnte ein riesiger Rahmen sein, wenn keiner guckt. Bitte eine TV-App!",
        },
    },
    {
        "en": {
            "title": "Export an album as a printed photo book",
            "short": "photo books",
            "pitch": "One click from an album to a printed book would save me hours every Christmas.",
        },
        "de": {
            "title": "Album als Fotobuch bestellen",
            "short": "Fotobücher",
            "pitch": "Mit einem Klick vom Album zum Fotobuch würde mir jedes Weihnachten Stunden sparen.",
        },
    },
    {
        "en": {
            "title": "Better search: by colour or text in photos",
            "short": "search by text in photos",
            "pitch": "I'd love to search 'receipt' or 'red car' and actually find them.",
        },
        "de": {
            "title": "Bessere Suche: nach Farbe oder Text im Bild",
            "short": "Suche nach Text im Bild",
            "pitch": "Ich würde gern nach 'Quittung' oder 'rotes Auto' suchen und es finden.",
        },
    },
    {
        "en": {
            "title": "Shared frame playlists between family accounts",
            "short": "shared playlists",
            "pitch": "My sister and I both send photos to mum's frame. A shared playlist we can "
            "both edit would help.",
        },
        "de": {
            "title": "Gemeinsame Playlists für Rahmen",
            "short": "gemeinsame Playlists",
            "pitch": "Meine Schwester und ich schicken beide Fotos auf Mamas Rahmen. Eine "
            "gemeinsame Playlist wäre gut.",
        },
    },
    {
        "en": {
            "title": "Dark mode for the web app",
            "short": "dark mode on the web",
            "pitch": "The phone app has dark mode, the web app blinds me at night. Please!",
        },
        "de": {
            "title": "Dunkelmodus für die Web-App",
            "short": "einen Dunkelmodus im Browser",
            "pitch": "Die Handy-App hat einen Dunkelmodus, die Web-App blendet abends. Bitte!",
        },
    },
]
FEATURE_REPLY = {
    "en": {
        "support": [
            "+1 for {idea}, would use it daily.",
            "Yes please! {Idea} would be perfect for my {partner}'s frame.",
            "Would love {idea}. Been missing it since I switched from my old app.",
            "Big +1 from me.",
            "Seconded. {Idea} is the one thing I'd pay extra for.",
            "This, please. Especially {idea}.",
            "Came here to request exactly this.",
            "Adding my vote. My parents would love {idea}.",
            "Oh yes, {idea} would be brilliant.",
            "Please please please {idea} 🙏",
        ],
        "doubt": [
            "Not sure about this one, I'd rather they fix sync first.",
            "Nice idea but please make it optional.",
            "I'd use it, but it shouldn't be on by default.",
            "Could be nice, as long as it doesn't slow the app down.",
        ],
        "staff": [
            "Thanks! Added to the ideas board. No promises on timing, but {idea} comes up a lot.",
            "Good one. I've passed it to the product team, keep the votes coming.",
            "We're actually exploring {idea}. Can't share dates yet, but your comments help a lot.",
        ],
    },
    "de": {
        "support": [
            "+1 für {idea}, würde ich täglich nutzen.",
            "Ja bitte! {Idea} hätte ich gern, vor allem für den Rahmen meiner {partner}.",
            "Hätte ich sehr gern. Vermisse das seit dem Umstieg.",
            "Dickes +1 von mir.",
            "Dafür würde ich sogar mehr zahlen.",
            "Genau das, bitte.",
            "Wollte genau das auch vorschlagen.",
            "Meine Stimme hast du. Meine Eltern würden {idea} lieben.",
            "Oh ja, {idea} will ich haben.",
        ],
        "doubt": [
            "Weiß nicht, mir wäre lieber, sie reparieren erst den Sync.",
            "Schöne Idee, aber bitte abschaltbar.",
            "Würde ich nutzen, aber nicht standardmäßig an.",
            "Gern, solange die App nicht langsamer wird.",
        ],
        "staff": [
            "Danke! Steht jetzt auf der Ideenliste. Kein Versprechen zum Zeitpunkt, aber "
            "{idea} wünschen sich viele.",
            "Gute Idee, habe ich ans Produktteam weitergegeben. Stimmt weiter ab!",
        ],
    },
}

# ------------------------------------------------------------------------------------ off-topic, show

CHITCHAT = {
    "en": [
        {
            "title": ["What's on your frame right now?", "Show me your frame rotation 🖼️"],
            "start": [
                "Curious what everyone has on their frames at the moment. Mine is {frame_content}.",
                "Random thread: what's your frame showing today? Mine is stuck on "
                "{frame_content} and I'm not complaining.",
            ],
            "share": [
                "Ours is on {frame_content}.",
                "{Frame_content}, on repeat.",
                "Right now: {frame_content}. My {partner} keeps adding more.",
                "Mostly {frame_content}, honestly.",
                "Old photos of my grandparents' farm. My {partner} hadn't seen half of them.",
                "Screenshots, sadly. Need to clean up my albums.",
                "Our wedding album. Eight years and it still makes me smile.",
                "Whatever my kids send from uni, which is mostly food.",
            ],
        },
        {
            "season": "autumn",
            "title": ["Autumn photos thread 🍂", "Show your autumn colours"],
            "start": [
                "The leaves are turning here in {city}. Post your autumn shots!",
                "Went to {place} this morning and the colours were unreal. Who else has autumn photos?",
            ],
            "share": [
                "Took a few at {place} last weekend, the light was gorgeous.",
                "Here in {city} it's mostly rain, but I got one good one at {place}.",
                "Autumn walk with the {pet} this morning, 200 photos of leaves and one of the {pet}.",
                "My {camera} is getting a workout this month.",
                "The park near us is pure gold right now, got some lovely backlit shots.",
                "Rain, rain, rain. One foggy morning shot I'm quite proud of.",
                "Took the {camera} out for the first time in months, autumn made me do it.",
                "Leaves on wet pavement, my favourite subject every October.",
            ],
        },
        {
            "title": ["Pets who love the frame", "Does your pet watch the frame too?"],
            "start": [
                "Our {pet} {petname} sits in front of the frame every time a photo of "
                "{petname} comes up. Anyone else?",
                "Need to share: {petname} (our {pet}) has a favourite photo on the frame. "
                "It's of {petname}, obviously.",
            ],
            "share": [
                "Our {pet} {petname} ignores it completely, unless there's a photo of the neighbour's cat.",
                "Ha! {petname} barks at the frame when the beach photos come up.",
                "Our {pet} sleeps right under it. Peak cosiness.",
                "{Petname} knocked ours over twice. Wall mount it is.",
                "{Petname} tries to catch the photos of birds. Every. Single. Time.",
                "Our {pet} ignores the frame but loves the warm spot behind it.",
                "We made a whole album just of {petname}. Zero regrets.",
                "My {pet} only reacts when the photo of the vet comes up. Fair.",
            ],
        },
        {
            "title": [
                "Which camera do you use besides your phone?",
                "Gear thread: what are you shooting with?",
            ],
            "start": [
                "Mostly phone here, but thinking about a proper camera. What do you all use?",
                "Gear talk! I just picked up a second-hand {camera}. What's everyone shooting with?",
            ],
            "share": [
                "Mostly my {device}, plus a {camera} for trips.",
                "A {camera}, and I'm never going back.",
                "Honestly just the phone. The best camera is the one you have with you.",
                "Started with the {device}, now I carry the {camera} everywhere.",
                "A {camera}, mostly for street photography.",
                "Phone for everything, plus an old film camera when I feel fancy.",
                "The {camera}. Heavy, but worth it.",
                "Just my {device}. It's honestly good enough for a frame.",
            ],
        },
        {
            "title": ["Weekend plans?", "What are you up to this weekend?"],
            "start": [
                "Friday feeling! Any plans? I'm going for {activity}.",
                "Weekend thread. Mine: {activity}.",
            ],
            "share": [
                "{Activity}.",
                "Probably {activity}. Baking {food} too.",
                "{Activity}, then {food} on the sofa.",
                "Nothing exciting, {activity}.",
                "Family lunch, then hopefully a walk at {place}.",
                "Finally printing some photos for the hallway.",
                "Helping a friend move. Pray for my back.",
                "Photo walk at {place} if anyone's nearby.",
            ],
        },
        {
            "title": ["Best trip photos this year", "Your favourite photo from this summer?"],
            "start": [
                "Let's see them! My favourite is from {month} in {city}.",
                "Sorting summer photos and found this gem from {month}. Share yours!",
            ],
            "share": [
                "Mine's from {month}, sunrise at {place}. Took forty tries.",
                "A blurry one of my {partner} laughing. Favourite by far.",
                "{Month}, a thunderstorm over {place}.",
                "The kids jumping into a lake in {month}, pure chaos.",
                "{Place} at sunset in {month}. The sky went completely pink.",
                "My dad laughing at a seagull that stole his chips, {month}.",
                "A tiny café in {month} where it poured with rain. Best afternoon.",
                "Night sky from a campsite, first time I tried long exposure.",
            ],
        },
        {
            "title": ["Coffee corner ☕", "What are you drinking while sorting photos?"],
            "start": ["Photo sorting fuel check. I'm on my third coffee.", "Tea or coffee people in here?"],
            "share": [
                "Tea, always. And {food}.",
                "Flat white and a slice of {food}.",
                "Decaf after 3 pm, I'm not a monster.",
                "Hot chocolate season has officially started.",
                "Black coffee, no exceptions.",
                "Chai latte, and a cat on my lap.",
                "Green tea, I'm trying to be healthy this month.",
                "Whatever's still in the pot from this morning, honestly.",
            ],
        },
    ],
    "de": [
        {
            "title": ["Was läuft gerade auf eurem Rahmen?", "Zeigt her: eure Rahmen-Auswahl 🖼️"],
            "start": [
                "Mich würde interessieren, was bei euch gerade so läuft. Bei mir: {frame_content}.",
                "Kleiner Thread: Was zeigt euer Rahmen heute? Meiner zeigt seit Tagen nur "
                "eins: {frame_content}.",
            ],
            "share": [
                "Bei uns: {frame_content}.",
                "{Frame_content}, in Dauerschleife.",
                "Gerade {frame_content}. Meine {partner} packt ständig neue dazu.",
                "Meistens {frame_content}.",
                "Alte Fotos vom Hof meiner Großeltern. Meine {partner} kannte die Hälfte noch nicht.",
                "Screenshots, leider. Muss dringend aufräumen.",
                "Unser Hochzeitsalbum. Acht Jahre her und ich freu mich immer noch.",
                "Was die Kinder aus der Uni schicken, also meistens Essen.",
            ],
        },
        {
            "season": "autumn",
            "title": ["Herbstfotos 🍂", "Zeigt eure Herbstfarben"],
            "start": [
                "In {city} färben sich die Blätter. Her mit euren Herbstfotos!",
                "War heute früh {place} und die Farben waren irre. Wer hat noch Herbstbilder?",
            ],
            "share": [
                "Hab letztes Wochenende {place} ein paar gemacht, tolles Licht.",
                "In {city} regnet's nur, aber {place} hab ich ein gutes erwischt.",
                "Herbstspaziergang mit dem {pet}, 200 Blätterfotos und eins vom {pet}.",
                "Meine {camera} hat diesen Monat gut zu tun.",
                "Der Park bei uns ist gerade Gold wert, schöne Gegenlichtbilder.",
                "Regen, Regen, Regen. Ein Nebelfoto am Morgen ist aber gut geworden.",
                "Hab die {camera} zum ersten Mal seit Monaten rausgeholt, der Herbst hat mich gezwungen.",
                "Nasse Blätter auf dem Gehweg, jedes Jahr mein Lieblingsmotiv.",
            ],
        },
        {
            "title": ["Haustiere vor dem Rahmen", "Guckt euer Haustier auch Rahmen?"],
            "start": [
                "Unser {pet} {petname} setzt sich jedes Mal vor den Rahmen, wenn ein Foto von "
                "ihm kommt. Bei euch auch?",
                "Muss ich teilen: {petname} hat ein Lieblingsfoto auf dem Rahmen. Von {petname} natürlich.",
            ],
            "share": [
                "Unser {pet} {petname} ignoriert ihn komplett, außer bei Fotos von der Nachbarskatze.",
                "Haha! {petname} bellt den Rahmen an, wenn die Strandfotos kommen.",
                "Unser {pet} schläft direkt drunter. Gemütlicher geht's nicht.",
                "{Petname} hat unseren zweimal umgeworfen. Jetzt hängt er an der Wand.",
                "{Petname} versucht die Vogelfotos zu fangen. Jedes. Einzelne. Mal.",
                "Unser {pet} ignoriert den Rahmen, liebt aber den warmen Platz dahinter.",
                "Wir haben ein ganzes Album nur mit {petname}. Null Reue.",
                "Unser {pet} reagiert nur aufs Foto vom Tierarzt. Verständlich.",
            ],
        },
        {
            "title": ["Welche Kamera nutzt ihr außer dem Handy?", "Ausrüstung: womit fotografiert ihr?"],
            "start": [
                "Bei mir fast nur Handy, überlege aber eine richtige Kamera. Was nutzt ihr?",
                "Hab mir gebraucht eine {camera} geholt. Womit fotografiert ihr so?",
            ],
            "share": [
                "Meistens das {device}, im Urlaub die {camera}.",
                "Die {camera}, nie wieder was anderes.",
                "Ehrlich gesagt nur das Handy. Die beste Kamera ist die, die man dabeihat.",
                "Angefangen mit dem {device}, jetzt ist die {camera} immer dabei.",
                "Eine {camera}, hauptsächlich für Straßenfotografie.",
                "Handy für alles, und eine alte Analogkamera, wenn ich Lust habe.",
                "Die {camera}. Schwer, aber lohnt sich.",
                "Nur das {device}. Reicht für den Rahmen völlig.",
            ],
        },
        {
            "title": ["Pläne fürs Wochenende?", "Was macht ihr am Wochenende?"],
            "start": [
                "Endlich Freitag! Pläne? Bei mir: {activity}.",
                "Wochenend-Thread. Bei mir: {activity}.",
            ],
            "share": [
                "{Activity}.",
                "Wahrscheinlich {activity}. Und {food} backen.",
                "{Activity}, danach {food} auf dem Sofa.",
                "Nichts Besonderes, {activity}.",
                "Familienessen, danach hoffentlich ein Spaziergang {place}.",
                "Endlich ein paar Fotos für den Flur drucken.",
                "Einem Freund beim Umzug helfen. Betet für meinen Rücken.",
                "Fototour {place}, falls jemand in der Nähe ist.",
            ],
        },
        {
            "title": ["Eure schönsten Urlaubsfotos 2026", "Lieblingsfoto aus dem Sommer?"],
            "start": [
                "Zeigt her! Mein Favorit ist aus dem {month} in {city}.",
                "Sortiere gerade Sommerfotos und hab eine Perle aus dem {month} gefunden. Zeigt eure!",
            ],
            "share": [
                "Meins ist aus dem {month}, Sonnenaufgang {place}. Vierzig Versuche.",
                "Ein unscharfes Foto von meiner {partner}, wie sie lacht. Mein Liebling.",
                "{Month}, Gewitter über dem See.",
                "Die Kinder springen in den See, {month}, pures Chaos.",
                "Sonnenuntergang {place} im {month}. Der Himmel war komplett rosa.",
                "Mein Vater, wie er über eine Möwe lacht, die seine Pommes geklaut hat.",
                "Ein kleines Café im {month}, draußen Platzregen. Bester Nachmittag.",
                "Sternenhimmel vom Campingplatz, meine erste Langzeitbelichtung.",
            ],
        },
        {
            "title": ["Kaffeeklatsch ☕", "Was trinkt ihr beim Fotos sortieren?"],
            "start": [
                "Kurze Umfrage: Womit sortiert ihr Fotos? Ich bin beim dritten Kaffee.",
                "Tee- oder Kaffeeleute hier?",
            ],
            "share": [
                "Tee, immer. Und {food}.",
                "Milchkaffee und ein Stück {food}.",
                "Nach 15 Uhr nur noch koffeinfrei.",
                "Die Kakao-Saison ist offiziell eröffnet.",
                "Schwarzer Kaffee, ohne Ausnahme.",
                "Chai Latte und eine Katze auf dem Schoß.",
                "Grüner Tee, ich versuche gesund zu leben.",
                "Was noch von heute früh in der Kanne ist, ehrlich gesagt.",
            ],
        },
    ],
}
CHAT_REACT = {
    "en": [
        "Love this thread!",
        "Ha, nice.",
        "Oh that's lovely.",
        "Cute!",
        "Great thread idea.",
        "Oh I need to try that.",
        "Haha brilliant.",
        "Aww.",
        "That sounds amazing.",
        "Jealous!",
        "Same here!",
        "Ooh nice.",
        "Ha, same.",
        "",
    ],
    "de": [
        "Schöner Thread!",
        "Ha, klasse.",
        "Wie schön.",
        "Süß!",
        "Gute Idee für einen Thread.",
        "Muss ich auch mal ausprobieren.",
        "Haha, herrlich.",
        "Och wie niedlich.",
        "Klingt traumhaft.",
        "Neidisch!",
        "Geht mir genauso!",
        "Ha, bei mir auch.",
        "",
    ],
}
CHAT_TAIL = {
    "en": [
        "",
        "",
        "What about you, {name}?",
        "Will post a pic later.",
        "Highly recommend.",
        "Can't wait for the weekend.",
        "{Name}, yours sounds great too.",
        "😄",
        "Anyway, back to work.",
    ],
    "de": [
        "",
        "",
        "Und bei dir, {name}?",
        "Foto folgt später.",
        "Kann ich nur empfehlen.",
        "Freu mich schon aufs Wochenende.",
        "{Name}, deins klingt auch toll.",
        "😄",
        "So, weiter arbeiten.",
    ],
}
SHOW = {
    "en": [
        {
            "title": "My hallway frame wall",
            "text": "Finally hung three frames in the hallway, each on a different album: "
            "travel, family, and the {pet}. Took a whole Saturday and a lot of swearing "
            "at the spirit level.",
            "asks": [
                (
                    "Where did you get the mounts?",
                    "Cheap picture rail from the hardware store, no drilling per frame.",
                ),
                (
                    "Do all three change photos at the same time?",
                    "No, different intervals, so it never looks synchronised.",
                ),
                ("Post a photo of the wall!", "Will do tonight when the light is better."),
            ],
            "praise": ["A whole wall of memories, love it.", "The {pet} album is the best idea here."],
        },
        {
            "title": "Made a grandparents' album and they love it",
            "text": "Set up a shared album for my {partner}'s "
            "parents and their frame. Everyone in the family adds photos. My "
            "father-in-law calls it 'the magic TV'.",
            "asks": [
                (
                    "Do they add photos themselves too?",
                    "My mother-in-law does, mostly blurry photos of cake. Perfect.",
                ),
                ("How many people are in the album?", "Eleven at the moment, cousins included."),
            ],
            "praise": ["'The magic TV', I love it.", "This is exactly why I bought the frame."],
        },
        {
            "title": "Frame Mini on my desk",
            "text": "Small thing but the Frame Mini on my desk showing {frame_content} "
            "makes work calls much more bearable.",
            "asks": [
                (
                    "Is the Mini big enough to actually see the photos?",
                    "For a desk, yes. I wouldn't hang it on a wall.",
                ),
                (
                    "Does it get in the way on video calls?",
                    "It's behind the laptop, so my colleagues see it too. They ask about it.",
                ),
            ],
            "praise": ["Tiny but mighty.", "Desk frames are underrated."],
        },
        {
            "title": "Scanned 30 years of slides",
            "text": "Spent the last month scanning my dad's slides with a {camera} and "
            "a light box. {photos} photos later, the whole family is reliving the 80s on the frame.",
            "asks": [
                (
                    "How did you scan them, flatbed or camera?",
                    "Camera on a copy stand. A flatbed would have taken a year.",
                ),
                ("Did you fix the colours?", "Only the worst ones. The faded look is half the charm."),
                ("How long did it take per slide?", "About ten seconds once I had a rhythm going."),
            ],
            "praise": ["The 80s on a frame, amazing.", "What a project. Your dad must be thrilled."],
        },
        {
            "title": "Gift idea that actually worked",
            "text": "Gave my gran a frame preloaded with photos from all the "
            "grandkids. She cried, then asked how to add more. Best present I've ever given.",
            "asks": [
                ("Did you set up the Wi-Fi for her?", "Yes, before wrapping it. She just had to plug it in."),
                (
                    "Can she add photos herself?",
                    "She sends them to me on WhatsApp and I add them. Works for us.",
                ),
            ],
            "praise": ["Okay, I'm crying a bit now.", "Best gift idea, stealing it for Christmas."],
        },
        {
            "title": "Before/after: my library cleanup",
            "text": "Merged faces, deleted 4,000 screenshots, made albums per "
            "year. The frame finally shows actual memories instead of parking tickets.",
            "asks": [
                ("How long did the cleanup take?", "Three evenings and a lot of tea."),
                (
                    "Did you use the screenshot filter?",
                    "Yes, Search > 'screenshots', select all, delete. Very satisfying.",
                ),
            ],
            "praise": ["Parking tickets on the frame, I felt that.", "Inspiring. Mine is still chaos."],
        },
    ],
    "de": [
        {
            "title": "Meine Rahmenwand im Flur",
            "text": "Endlich drei Rahmen im Flur aufgehängt, jeder mit einem anderen "
            "Album: Reisen, Familie und der {pet}. Hat einen ganzen Samstag und viele "
            "Flüche an der Wasserwaage gekostet.",
            "asks": [
                (
                    "Woher sind die Halterungen?",
                    "Günstige Bilderschiene aus dem Baumarkt, so musste ich nicht für jeden Rahmen bohren.",
                ),
                (
                    "Wechseln alle drei gleichzeitig?",
                    "Nein, unterschiedliche Intervalle, sonst sieht es synchron aus.",
                ),
                ("Zeig mal ein Foto der Wand!", "Mach ich heute Abend, wenn das Licht besser ist."),
            ],
            "praise": [
                "Eine ganze Wand voller Erinnerungen, toll.",
                "Das Album mit dem {pet} ist die beste Idee.",
            ],
        },
        {
            "title": "Großeltern-Album, ein voller Erfolg",
            "text": "Ein geteiltes Album für die Eltern meiner {partner} und "
            "deren Rahmen angelegt. Die ganze Familie lädt Fotos hoch. Mein "
            "Schwiegervater nennt es 'den Zauberfernseher'.",
            "asks": [
                (
                    "Laden die selbst auch Fotos hoch?",
                    "Meine Schwiegermutter schon, meistens unscharfe Kuchenfotos. Perfekt.",
                ),
                ("Wie viele sind in dem Album?", "Gerade elf, mit den Cousins."),
            ],
            "praise": ["'Zauberfernseher', herrlich.", "Genau dafür habe ich den Rahmen gekauft."],
        },
        {
            "title": "Frame Mini auf dem Schreibtisch",
            "text": "Kleine Sache, aber der Frame Mini auf dem Schreibtisch "
            "({frame_content}) macht Videocalls viel erträglicher.",
            "asks": [
                (
                    "Ist der Mini nicht zu klein?",
                    "Für den Schreibtisch reicht's. An die Wand würde ich ihn nicht hängen.",
                ),
                (
                    "Stört der nicht bei Videocalls?",
                    "Der steht hinter dem Laptop, die Kollegen fragen schon danach.",
                ),
            ],
            "praise": ["Klein, aber oho.", "Rahmen auf dem Schreibtisch werden unterschätzt."],
        },
        {
            "title": "30 Jahre Dias digitalisiert",
            "text": "Letzten Monat die Dias meines Vaters mit der {camera} und einem "
            "Leuchttisch abfotografiert. {photos} Bilder später erlebt die ganze Familie "
            "die 80er auf dem Rahmen.",
            "asks": [
                (
                    "Wie hast du gescannt, Flachbett oder Kamera?",
                    "Kamera auf einem Reprostativ. Mit dem Flachbett säße ich nächstes Jahr noch dran.",
                ),
                ("Hast du die Farben korrigiert?", "Nur die schlimmsten. Der verblasste Look gehört dazu."),
            ],
            "praise": [
                "Die 80er auf dem Rahmen, großartig.",
                "Was für ein Projekt. Dein Vater freut sich bestimmt riesig.",
            ],
        },
        {
            "title": "Geschenkidee, die wirklich ankam",
            "text": "Meiner Oma einen Rahmen mit Fotos aller Enkel geschenkt. "
            "Sie hat geweint und dann gefragt, wie sie mehr draufbekommt.",
            "asks": [
                (
                    "Hast du das WLAN für sie eingerichtet?",
                    "Ja, vor dem Einpacken. Sie musste ihn nur einstecken.",
                ),
                (
                    "Kann sie selbst Fotos hinzufügen?",
                    "Sie schickt sie mir per WhatsApp und ich lade sie hoch. Klappt.",
                ),
            ],
            "praise": [
                "Okay, jetzt muss ich kurz weinen.",
                "Beste Geschenkidee, die klaue ich für Weihnachten.",
            ],
        },
    ],
}
SHOW_REPLY = {
    "en": [
        "That's beautiful!",
        "Love this, what a great idea.",
        "This is so wholesome.",
        "Stealing this idea immediately.",
        "My {partner} is going to make me do this now, thanks a lot 😂",
        "This made my day.",
        "Gorgeous.",
        "Great result!",
        "Proper inspiration, thanks for sharing.",
    ],
    "de": [
        "Wie schön!",
        "Tolle Idee, gefällt mir.",
        "Das ist so herzig.",
        "Die Idee klaue ich sofort.",
        "Jetzt muss ich das auch machen, danke 😂",
        "Hat meinen Tag gerettet.",
        "Wunderschön.",
        "Tolles Ergebnis!",
        "Schöne Inspiration, danke fürs Zeigen.",
    ],
}
WELCOME = {
    "en": {
        "title": [
            "Hi from {city}!",
            "New here, hello 👋",
            "Hello from a new Frame owner",
            "Just joined, quick hello",
        ],
        "intro": [
            "Hi all! I'm {me} from {city}. Just got a {frame} for my {partner} and "
            "figured I'd join. "
            "{Looking forward to learning some tricks.|Mostly here to lurk and learn.}",
            "Hello! Long-time Lumen user, first time posting. {photos} photos in my library and counting.",
            "Hey everyone, {me} here. Switched from another photo app last month and so "
            "far so good. "
            "{Any tips for a beginner?|What's the one setting everyone should change?}",
        ],
        "reply": [
            "Welcome, {name}!",
            "Welcome aboard, {name}! Top tip: set the frame schedule so it sleeps at night.",
            "Hi {name}, welcome! The search here is great if you get stuck.",
            "Welcome! Which frame did you get?",
            "Welcome {name} 👋 {City} represent!",
            "Hello and welcome. The 'Pair portraits' setting is a must.",
            "Welcome to the club, {name}!",
            "Nice to have you here, {name}.",
        ],
    },
    "de": {
        "title": [
            "Hallo aus {city}!",
            "Neu hier, hallo 👋",
            "Grüße von einem neuen Rahmen-Besitzer",
            "Kurz vorgestellt",
        ],
        "intro": [
            "Hallo zusammen! Ich bin {me} aus {city}. Habe gerade einen {frame} für meine "
            "{partner} gekauft "
            "und dachte, ich melde mich hier an. {Freue mich auf eure Tipps.|Lese erstmal "
            "vor allem mit.}",
            "Hallo! Nutze Lumen schon lange, schreibe aber zum ersten Mal. {photos} Fotos in der Mediathek.",
            "Moin, {me} hier. Bin letzten Monat von einer anderen Foto-App umgestiegen, "
            "bisher sehr zufrieden. "
            "{Tipps für Anfänger?|Welche Einstellung sollte man als Erstes ändern?}",
        ],
        "reply": [
            "Willkommen, {name}!",
            "Herzlich willkommen, {name}! Tipp: Zeitplan einstellen, damit der Rahmen nachts schläft.",
            "Hallo {name}, willkommen! Die Suche hier hilft viel, wenn du hängst.",
            "Willkommen! Welchen Rahmen hast du?",
            "Willkommen {name} 👋 Grüße nach {city}!",
            "Hallo und willkommen. 'Hochformat paaren' unbedingt einschalten.",
            "Willkommen im Club, {name}!",
            "Schön, dass du da bist, {name}.",
        ],
    },
}

# ------------------------------------------------------------------------------------------- the clique

CLIQUE = {
    "start": [
        "morning all ☕ who's around?",
        "photo walk {weekday}? I'm thinking {place}",
        "this week's challenge theme: {theme}. go!",
        "{at} did you ever fix that wobbly wall mount?",
        "ok who's watching {show}? need to talk about the ending",
        "need lens advice, {at} {at2} you two are the experts",
        "{at} {at2} pub quiz {weekday}? we need a fourth",
        "guess who finally printed the {theme} shots",
        "it's raining again. indoor {theme} challenge then?",
        "{at} happy birthday!! 🎂 cake at yours?",
        "anyone else up way too early? ☀️",
        "ok I made {food}. it's a disaster. photos incoming",
    ],
    "comment": [
        "I'm in, {place} at 10?",
        "count me in if it doesn't rain",
        "you and your camera bag 😂",
        "told you the 35mm was the way",
        "only if there's coffee after",
        "my {theme} shot is ready, posting tonight",
        "still recovering from last week's walk tbh",
        "can't do {weekday}, what about sunday?",
        "bringing the tripod this time, no excuses",
        "that was ONE time",
        "the dog is coming too, fyi",
        "saw it, obsessed with the colours",
        "no spoilers!! I'm one episode behind",
        "{food} or it didn't happen",
        "same, alarm went off at 6 for no reason",
        "ha, classic you",
        "wait, {place}? the one by the station?",
        "I'll bring snacks",
        "you say that every week",
        "ok now I want {food}",
        "my {pet} says hi",
        "please tell me you got a photo of that",
        "not me reading this at work pretending to type",
        "honestly the best plan this week",
        "oh no. oh no no no. 😂",
        "{theme} is harder than it sounds",
        "I'll ask my {partner} but probably yes",
        "the light was SO good yesterday",
    ],
    "react": [
        "haha",
        "lol",
        "omg",
        "ooh",
        "yesss",
        "ha",
        "aww",
        "no way",
        "love it",
        "nice",
        "stop 😂",
        "ok wow",
    ],
    "outsider": [
        "Morning all!",
        "Ha, you lot are always out with cameras.",
        "Can I join the photo walk or is it invite only? 😄",
        "Stealing that {theme} theme for myself.",
        "Good luck with the quiz!",
        "Just lurking and enjoying this.",
        "Any photos from last time?",
        "This chat is the best part of my day tbh.",
        "Where's {place}? Sounds nice.",
        "Ok now I'm hungry.",
    ],
    "support": [
        "{at} ugh that's awful, hope they sort it fast",
        "{at} no way, that's ridiculous",
        "{at} seriously?? {staff_at} can you look at this",
        "this is getting silly tbh. {at} hang in there",
        "{at} 😡 sorry mate",
        "{at} unacceptable. for a paid product too",
        "{at} that's so annoying, I'd be furious",
        "{at} screenshot everything, just in case",
        "{at} oh no, not again 😩",
    ],
    "metoo": [
        "{at} same!! {symptom}",
        "{at} wait, me too. {Symptom}",
        "ugh {at} same here, {symptom}",
        "{at} yep, me as well. {Symptom} {since}",
        "{at} ME TOO. {Symptom}",
        "{at} oh no, same. {symptom} {event}",
    ],
}

# -------------------------------------------------------------------------------------------- trolls

TROLL = {
    "en": {
        "title": ["Lumen is a scam. Read this before you subscribe", "Warning to everyone: cancel now"],
        "grievance": [
            "Lumen double charged me and support ignored me for three weeks. This company "
            "is a scam. Cancel before they rob you too.",
            "Lumen double charged me and support ignored me for three weeks. This company "
            "is a SCAM. Cancel before they rob you too.",
            "Again: Lumen double charged me and support ignored me for three weeks. This "
            "company is a scam. Cancel before they rob you too.",
            "Lumen double charged me and support ignored me for three weeks. This company "
            "is a scam. Cancel before they rob you too!!!",
            "Reminder: Lumen double charged me and support ignored me for three weeks. "
            "This company is a scam. Cancel before they rob you too.",
        ],
        "bait": [
            "Imagine paying every month to look at your own photos lol",
            "Let me guess, the 'fix' is another subscription tier?",
            "Cute how everyone here does free support for a company that doesn't care about you.",
            "Fanboys will defend this too, watch.",
            "Another week, another broken update. Clown show.",
            "Who even buys a digital photo frame in 2026? Print your photos like an adult.",
        ],
        "mock": [
            "Wow, {name} to the rescue again. Do they pay you in stickers?",
            "Nobody asked for your 'workaround', {name}.",
            "Reinstalling is not a fix, genius.",
            "Oh look, {name} has another useless tip. Groundbreaking.",
        ],
        "insult": [
            "Are you people actually this clueless or is it a hobby?",
            "Reading comprehension isn't your strong suit, is it {name}?",
            "Pathetic. Absolutely pathetic company.",
            "You'd defend them if they set your house on fire, {name}.",
        ],
        "reject": [
            "I'm not clearing anything. It's THEIR job to make it work.",
            "Don't bother. I'm not installing your beta junk.",
            "I didn't ask for help, I asked for my money back.",
            "Save it. DM? So you can ignore me privately too?",
        ],
    },
    "de": {
        "title": ["Lumen ist Abzocke. Lest das, bevor ihr abonniert", "Warnung an alle: kündigt jetzt"],
        "grievance": [
            "Lumen hat doppelt abgebucht und der Support antwortet seit Wochen nicht. Das "
            "ist Abzocke, sonst nichts. Finger weg!",
            "Lumen hat doppelt abgebucht und der Support antwortet seit Wochen nicht. Das "
            "ist ABZOCKE, sonst nichts. Finger weg!",
            "Nochmal: Lumen hat doppelt abgebucht und der Support antwortet seit Wochen "
            "nicht. Das ist Abzocke, sonst nichts. Finger weg!",
            "Lumen hat doppelt abgebucht und der Support antwortet seit Wochen nicht. Das "
            "ist Abzocke, sonst nichts. Finger weg!!!",
            "Zur Erinnerung: Lumen hat doppelt abgebucht und der Support antwortet seit "
            "Wochen nicht. Das ist Abzocke, sonst nichts.",
        ],
        "bait": [
            "Wer für sowas monatlich zahlt, dem ist echt nicht mehr zu helfen.",
            "Wetten, der nächste 'Fix' kostet extra?",
            "Schön, wie ihr hier alle umsonst den Support für die Firma macht.",
            "Gleich kommen wieder die Fanboys und verteidigen den Laden.",
            "Nächstes Update, nächstes Chaos. Kasperletheater.",
            "Digitaler Bilderrahmen im Jahr 2026. Druckt eure Fotos aus wie normale Menschen.",
        ],
        "mock": [
            "Ah, {name} mit dem nächsten Wundertipp. Gähn.",
            "Dein 'Workaround' interessiert keinen, {name}.",
            "Neu installieren ist keine Lösung, du Genie.",
            "Oh, {name} weiß mal wieder alles besser. Sensationell.",
        ],
        "insult": [
            "Lest ihr eigentlich, was ihr schreibt, oder tippt ihr nur?",
            "{name}, lies erstmal, bevor du hier Unsinn verzapfst.",
            "Peinlich. Einfach nur peinlich, dieser Laden.",
            "Du würdest die sogar verteidigen, wenn sie dir die Bude abfackeln, {name}.",
        ],
        "reject": [
            "Ich lösche gar nichts. Das ist deren Job, nicht meiner.",
            "Spar dir die Mühe, ich installiere euren Beta-Schrott nicht.",
            "Ich will keine Hilfe, ich will mein Geld zurück.",
            "Per DM? Damit ihr mich da auch ignorieren könnt?",
        ],
    },
}
TROLL_RESPONSE = {
    "en": [
        "{name}, there's no need for that. People here are trying to help.",
        "Please don't feed the troll, folks.",
        "Not sure what you're after, but this isn't helping anyone.",
        "Wow. Ok. Moving on.",
        "If you actually want your refund, DM the staff. Insulting people won't get it faster.",
        "Can we keep this thread about the actual problem please?",
    ],
    "de": [
        "{name}, muss das sein? Hier wollen alle nur helfen.",
        "Bitte nicht füttern, Leute.",
        "Keine Ahnung, was du willst, aber das hilft keinem.",
        "Okay. Weiter im Text.",
        "Wenn du dein Geld willst, schreib dem Team per DM. Beleidigungen beschleunigen nichts.",
        "Können wir beim eigentlichen Problem bleiben?",
    ],
}
MODERATION = {
    "en": [
        "Hi {name}, I understand you're frustrated, but personal attacks aren't okay "
        "here. Please keep it civil. If "
        "your refund is still open, DM me the ticket number and I'll look at it today.",
        "{name}, this is the second reminder: criticism is fine, insulting other "
        "members is not. Next time the post goes.",
        "Folks, please keep it respectful. I've hidden a reply that crossed the line.",
        "{name}, you're welcome to criticise Lumen as much as you like, but not the "
        "people trying to help. Thanks.",
        "Quick mod note: {name}, please drop the insults. If you want to sort out the "
        "billing issue, my DMs are open.",
        "{name}, I've asked before: keep it about the product. Repeating the same "
        "post in every thread isn't okay either.",
    ],
    "de": [
        "Hallo {name}, ich verstehe den Frust, aber persönliche Angriffe gehen hier "
        "nicht. Bitte bleib sachlich. Wenn "
        "deine Erstattung noch offen ist, schick mir die Ticketnummer per DM.",
        "{name}, das ist die zweite Erinnerung: Kritik ja, Beleidigungen nein. Beim "
        "nächsten Mal wird der Beitrag entfernt.",
        "Kurzer Hinweis der Moderation: {name}, bitte lass die Beleidigungen. Für die "
        "Abrechnung bin ich per DM erreichbar.",
        "{name}, du darfst Lumen kritisieren, so viel du willst, aber nicht die Leute, die helfen wollen.",
        "{name}, bitte nicht denselben Beitrag in jeden Thread kopieren. Dein Anliegen ist angekommen.",
    ],
}

# ------------------------------------------------------------------------------------------ odds and ends

MID_TURN = {
    "en": [
        "Slightly off topic, but",
        "Nice thread. Meanwhile, over here:",
        "Wish I could try this, but",
        "Hate to be the negative one here, but",
        "Sorry to hijack,",
        "Related, sort of:",
    ],
    "de": [
        "Etwas off-topic, aber",
        "Schöner Thread. Bei mir dagegen:",
        "Würde ich gern ausprobieren, aber",
        "Ich will ja nicht meckern, aber",
        "Sorry fürs Kapern:",
        "Passt halbwegs hierher:",
    ],
}
TIP_PRE = {
    "en": ["Not sure it helps, but: ", "Try this: ", "Might be worth a shot: ", "Had the same. ", "", ""],
    "de": ["Weiß nicht, ob's hilft: ", "Probier mal: ", "Einen Versuch wert: ", "Hatte ich auch. ", "", ""],
}
FOLLOW_PRE = {
    "en": ["Thanks! ", "Ah ok. ", "One more thing: ", "{Name}, ", "Great, and ", ""],
    "de": ["Danke! ", "Ah okay. ", "Noch eine Sache: ", "{Name}, ", "Super, und ", ""],
}
FOLLOW_ANSWER_PRE = {
    "en": ["", "", "Good question. ", "{Name}: ", "As far as I know: ", "If I remember right: "],
    "de": ["", "", "Gute Frage. ", "{Name}: ", "Soweit ich weiß: ", "Wenn ich mich recht erinnere: "],
}
HELP_OFFER = {
    "en": [
        "{name}, if you post your ticket number, someone from staff can check it.",
        "Have you tried contacting billing directly? They sorted mine in a day.",
        "{name}, happy to help if you tell us which device you're on.",
        "If it's the double charge, there's a refund thread pinned, {name}. Worked for me.",
    ],
    "de": [
        "{name}, wenn du die Ticketnummer postest, kann das Team nachschauen.",
        "Hast du die Abrechnung direkt angeschrieben? Bei mir ging's in einem Tag.",
        "{name}, ich helfe gern, sag mal, welches Gerät du hast.",
        "Falls es um die doppelte Abbuchung geht: oben ist ein Thread zur Erstattung angepinnt.",
    ],
}
SHOW_OWNER = {
    "en": [
        "Thanks {name}! 😊",
        "Ha, thanks. It was worth the effort.",
        "Thank you!",
        "Aw, thanks everyone.",
        "Do it, {name}, you won't regret it.",
        "Cheers {name}!",
    ],
    "de": [
        "Danke {name}! 😊",
        "Haha, danke. Hat sich gelohnt.",
        "Danke!",
        "Oh, danke euch.",
        "Mach's, {name}, lohnt sich.",
        "Merci {name}!",
    ],
}
CHAT_ECHO = {
    "en": [
        "Ha, {name}, that's brilliant.",
        "{Name}, I need a photo of that!",
        "Oh {name}, same energy as mine.",
        "Love that, {name}.",
        "lol {name}",
        "Ok {name} wins this thread.",
        "{Name}, that's adorable.",
        "Haha, {name}, classic.",
    ],
    "de": [
        "Haha, {name}, herrlich.",
        "{Name}, davon brauche ich ein Foto!",
        "Oh {name}, genau wie bei mir.",
        "Schön, {name}.",
        "{Name} gewinnt den Thread.",
        "{Name}, wie süß.",
        "Haha, {name}, typisch.",
    ],
}
WELCOME_THANKS = {
    "en": [
        "Thanks for the warm welcome!",
        "Thanks all, will try the portrait setting tonight.",
        "Cheers everyone 🙂",
        "Thank you! It's a {frame}.",
        "Ha, thanks {name}!",
    ],
    "de": [
        "Danke für den netten Empfang!",
        "Danke euch, probiere das mit dem Hochformat heute Abend.",
        "Danke allen 🙂",
        "Danke! Ist ein {frame}.",
        "Haha, danke {name}!",
    ],
}
TAILS = {
    "en": ["fwiw", "tbh", "🙂", "anyway", "haha", "(again)", "just saying", "👍", "ugh", "ok", "!"],
    "de": [
        "übrigens",
        "ehrlich gesagt",
        "🙂",
        "naja",
        "haha",
        "(schon wieder)",
        "nur so",
        "👍",
        "puh",
        "ok",
        "!",
    ],
}
HALLOWEEN = {
    "en": [
        "My entry: the {pet} dressed as a pumpkin. {Petname} was not amused.",
        "Entry! My {partner} as a very convincing zombie, shot with the {camera} by candlelight.",
        "Here's ours: three carved pumpkins on the doorstep, long exposure so the candles glow.",
        "The kids as a two-headed ghost. One sheet, two kids, a lot of arguing.",
        "Submitting {petname} in a bat costume. Lasted four seconds, which was enough for one photo.",
        "Fog machine, the garden and a cheap plastic skeleton. Pretty pleased with this one.",
    ],
    "de": [
        "Mein Beitrag: der {pet} als Kürbis verkleidet. {Petname} fand's nicht lustig.",
        "Hier unserer: drei geschnitzte Kürbisse vor der Tür, Langzeitbelichtung, damit die Kerzen leuchten.",
        "Die Kinder als zweiköpfiges Gespenst. Ein Bettlaken, zwei Kinder, viel Streit.",
        "{Petname} im Fledermauskostüm. Hat vier Sekunden gehalten, gerade genug für ein Foto.",
        "Nebelmaschine, Garten und ein billiges Plastikskelett. Bin ganz zufrieden.",
    ],
}
CONTEST = {
    "en": [
        "My entry for '{theme}': shot on the {device} on the way to work, no edits.",
        "Here's mine. Took about fifty tries and one very confused neighbour.",
        "Entry! The {camera} finally earned its keep this month.",
        "Not sure it fits the theme perfectly, but I love this one of my {partner}.",
        "Submitting {petname}, who fits every theme if you squint.",
        "Mine is from a walk at {place} last Sunday. The light did all the work.",
    ],
    "de": [
        "Mein Beitrag zu '{theme}': mit dem {device} auf dem Weg zur Arbeit, unbearbeitet.",
        "Hier meiner. Ungefähr fünfzig Versuche und ein sehr verwirrter Nachbar.",
        "Beitrag! Die {camera} hat sich diesen Monat endlich gelohnt.",
        "Passt vielleicht nicht ganz zum Thema, aber das Foto von meiner {partner} liebe ich.",
        "Ich reiche {petname} ein, passt mit etwas Fantasie zu jedem Thema.",
    ],
}
