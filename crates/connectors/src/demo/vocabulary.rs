//! Word lists and sentence templates for the synthetic demo corpus.
//!
//! Templates hold slots in braces, filled by `super::text`:
//! `{wijk}` neighbourhood, `{straat}` street, `{ding}` an object of the topic, `{tijd}` a time
//! phrase, `{street}` a street without its article, `{dag}` a weekday, `{maand}` a month, `{echt}` an intensifier, `{aantal}` a small
//! number, `{groot}` a large number, `{bedrag}` a rent in euros, `{lijn}` a bus line, `{club}` a
//! football club, `{gerecht}` a dish and `{programma}` a TV programme.
//!
//! Everything here is made up for the demo. Names, handles, e-mail addresses (at example domains)
//! and phone numbers are invented to show de-identification at work.

/// One municipal topic: what people say about it, in Dutch by sentiment and in English.
pub(super) struct Topic {
    pub weight: u32,
    pub hashtags: &'static [&'static str],
    pub things: &'static [&'static str],
    pub negative: &'static [&'static str],
    pub positive: &'static [&'static str],
    pub neutral: &'static [&'static str],
    pub english: &'static [&'static str],
    pub news_slugs: &'static [&'static str],
}

pub(super) const MUNICIPAL_TOPICS: &[Topic] = &[
    Topic {
        weight: 14,
        hashtags: &["#afval", "#gft", "#statiegeld", "#zwerfafval", "#grofvuil"],
        things: &[
            "de ondergrondse container",
            "de GFT-bak",
            "de papiercontainer",
            "de kliko",
            "de glasbak",
            "het statiegeldpunt",
            "de milieustraat",
            "de afvalcontainer",
        ],
        negative: &[
            "{ding} in {wijk} zit {tijd} al vol en niemand komt 'm legen.",
            "Weer zakken naast {ding} op {straat}. {echt} smerig zo.",
            "Waarom wordt het GFT in {wijk} ineens maar één keer per twee weken opgehaald? Niet blij mee.",
            "Afvalstoffenheffing omhoog en {ding} wordt nog steeds niet op tijd geleegd.",
            "Ratten bij {ding} in {wijk}. Dit is toch geen gezicht?",
            "Mijn afvalpas doet het al {aantal} dagen niet bij {ding}. Klantenservice weet van niks.",
            "Statiegeld op blikjes is leuk, maar het apparaat in de supermarkt in {wijk} is {tijd} kapot.",
            "Grofvuil {tijd} niet opgehaald terwijl de afspraak gewoon bevestigd was. Niet oké.",
            "Overal zwerfafval rond {ding} op {straat}. Wie ruimt dit op?",
        ],
        positive: &[
            "{ding} in {wijk} is vandaag netjes geleegd én schoongemaakt. Top!",
            "Nieuwe ondergrondse containers op {straat}. {echt} een verbetering, eindelijk geen zakken meer op straat.",
            "Grofvuil binnen twee dagen opgehaald, compliment aan de gemeente.",
            "Zwerfafval opgeruimd met de buurt in {wijk}, {aantal} vuilniszakken vol. Mooie actie!",
            "Sinds de nieuwe GFT-bakken is het bij ons in {wijk} een stuk schoner. Niet slecht!",
            "Statiegeld op blikjes werkt: al {aantal} euro opgehaald voor de sportclub in {wijk}.",
        ],
        neutral: &[
            "Weet iemand of {ding} in {wijk} ook op feestdagen wordt geleegd?",
            "Vanaf {dag} verandert de ophaaldag voor het GFT in {wijk}. Check de afvalwijzer.",
            "Hoe vraag je eigenlijk een nieuwe afvalpas aan?",
            "De gemeente onderzoekt of er extra containers komen in {wijk}.",
            "Statiegeld op blikjes: waar lever je die in {wijk} het makkelijkst in?",
            "Milieustraat is op {dag} langer open in verband met de herfstbladeren.",
        ],
        english: &[
            "Does anyone know which day the bins get collected in {wijk}? The app says {dag} but nothing happened.",
            "Expat question: where do I throw away a broken chair? Is there a bulky waste pickup?",
            "The underground container on {street} has been full for {aantal} days. Not great.",
            "Just learned what the GFT bin is for. Dutch recycling is next level.",
        ],
        news_slugs: &[
            "gemeente-haalt-gft-minder-vaak-op",
            "ondergrondse-containers-vaak-overvol",
            "statiegeld-op-blikjes-nog-niet-overal-succes",
        ],
    },
    Topic {
        weight: 11,
        hashtags: &["#parkeren", "#blauwezone", "#parkeervergunning"],
        things: &[
            "de parkeervergunning",
            "de blauwe zone",
            "de parkeerautomaat",
            "de parkeerapp",
            "de bezoekersregeling",
            "de laadpaal",
            "de parkeergarage",
        ],
        negative: &[
            "{aantal} maanden op de wachtlijst voor een parkeervergunning in {wijk}. Dit is toch niet normaal?",
            "Bon gekregen in de blauwe zone terwijl mijn parkeerschijf gewoon achter de ruit lag.",
            "Parkeertarief in {wijk} weer omhoog. Voor bewoners {echt} niet te doen.",
            "De parkeerautomaat op {straat} slikt {tijd} geen pinpas. Niet handig.",
            "Bezoek kan nergens meer parkeren sinds {ding} is ingevoerd. Niet blij.",
            "Weer foutparkeerders op het fietspad op {straat}. Handhaving is nergens te zien.",
        ],
        positive: &[
            "Bezoekersregeling via de app werkt {echt} makkelijk. Goed geregeld!",
            "Eindelijk een laadpaal bij ons in de straat in {wijk}.",
            "Nieuwe parkeergarage bij het station scheelt een hoop gezoek. Prima.",
            "Parkeervergunning binnen een week geregeld. Had ik niet verwacht, complimenten!",
        ],
        neutral: &[
            "Geldt de blauwe zone in {wijk} ook op zaterdag?",
            "Per 1 januari verandert het parkeerbeleid in {wijk}. Wat betekent dat voor bezoekers?",
            "Hoe lang is de wachtlijst voor een parkeervergunning in {wijk} nu eigenlijk?",
            "Raadsvoorstel over betaald parkeren in {wijk} staat {dag} op de agenda.",
        ],
        english: &[
            "Got a parking ticket in the blue zone. Nobody told me I needed a parking disc.",
            "How long is the waiting list for a parking permit in {wijk}? Asking for a friend.",
            "Visitor parking app actually works well. Nice one.",
        ],
        news_slugs: &[
            "wachtlijst-parkeervergunning-groeit",
            "blauwe-zone-wordt-uitgebreid",
            "parkeertarieven-gaan-omhoog",
        ],
    },
    Topic {
        weight: 13,
        hashtags: &["#woningnood", "#wonen", "#huurwoningen", "#woningmarkt"],
        things: &[
            "huurwoningen",
            "sociale huur",
            "de wachtlijst",
            "de nieuwbouw",
            "starterswoningen",
            "studentenkamers",
            "de huurprijzen",
        ],
        negative: &[
            "{aantal} jaar ingeschreven en nog steeds geen sociale huurwoning. De woningnood in deze stad is {echt} schrijnend.",
            "Huur van een tweekamerappartement in {wijk}: € {bedrag} per maand. Wie kan dat nog betalen?",
            "Weer een bezichtiging met {aantal} mensen voor één kamer. Hopeloos.",
            "Nieuwbouw in {wijk} en maar een handjevol betaalbare woningen. Niet oké.",
            "Mijn kinderen kunnen nooit in {wijk} blijven wonen. Dat doet pijn.",
            "Leegstaande kantoren op {straat} en ondertussen slapen mensen op de bank bij vrienden.",
            "Wachtlijst voor sociale huur is inmiddels {aantal} jaar. Ik ben er klaar mee.",
        ],
        positive: &[
            "Mooi dat er {groot} starterswoningen komen in {wijk}. Goed bezig!",
            "Eindelijk een woning gevonden via de loting! Super blij.",
            "Flexwoningen in {wijk} zijn opgeleverd. Een stap in de goede richting.",
            "Fijn dat de gemeente huisjesmelkers harder aanpakt.",
            "Nieuwe woonwijk in {wijk} is {echt} mooi geworden, veel groen.",
        ],
        neutral: &[
            "De gemeente wil {groot} woningen bouwen in {wijk}. Informatieavond is {dag}.",
            "Hoe werkt die voorrangsregeling voor sociale huur precies?",
            "Wie heeft ervaring met woningruil binnen de stad?",
            "Plannen voor hoogbouw bij {straat} liggen ter inzage.",
            "Er komt een nieuwe huisvestingsverordening. Wat verandert er voor starters?",
        ],
        english: &[
            "Looking for an apartment in Utrecht is a full-time job. {aantal} viewings, zero offers.",
            "Rent for a studio in {wijk} is now € {bedrag}. How do people afford this?",
            "Any expats found housing through the municipality's website? Asking because I'm desperate.",
            "Finally signed a lease in {wijk}! Took {aantal} months.",
        ],
        news_slugs: &[
            "woningnood-in-de-stad-groter-dan-ooit",
            "gemeente-bouwt-duizenden-woningen",
            "huurprijzen-blijven-stijgen",
        ],
    },
    Topic {
        weight: 11,
        hashtags: &["#fietsen", "#verkeersveiligheid", "#30kmh", "#fietspad"],
        things: &[
            "het fietspad",
            "de fietsenstalling",
            "de rotonde",
            "het zebrapad",
            "de oversteek",
            "de verkeerslichten",
            "de drempel",
        ],
        negative: &[
            "Het fietspad op {straat} ligt {tijd} open. Levensgevaarlijk met al die gaten.",
            "Sinds de 30 km-zone in {wijk} rijdt nog steeds iedereen 50. Handhaving? Nul.",
            "Bijna aangereden bij {ding} op {straat}. Wanneer gebeurt hier eens wat aan?",
            "Fietsenstalling bij het station weer overvol, mijn fiets moest drie straten verderop.",
            "Fiets gestolen bij {ding} in {wijk}. Al de derde dit jaar.",
            "Die nieuwe verkeerslichten op {straat} staan {echt} veel te kort op groen voor fietsers.",
            "Scooters op het fietspad in {wijk}, {echt} gevaarlijk. Niet blij mee.",
        ],
        positive: &[
            "Het nieuwe fietspad langs {straat} is {echt} fijn. Breed, glad en goed verlicht.",
            "30 km in {wijk} werkt: het is veel rustiger op straat. Blij mee.",
            "Eindelijk een veilige oversteek bij de school in {wijk}. Dank!",
            "Nieuwe fietsenstalling met {groot} plekken geopend. Top.",
        ],
        neutral: &[
            "Vanaf {dag} is {straat} afgesloten voor autoverkeer vanwege werkzaamheden.",
            "Wordt de 30 km-zone ook ingevoerd in {wijk}?",
            "Er is een enquête over verkeersveiligheid in {wijk}. Invullen kan tot vrijdag.",
            "Hoe meld je een kapotte lantaarnpaal langs het fietspad?",
            "Gemeente test slimme verkeerslichten op {straat}.",
        ],
        english: &[
            "Bike stolen again near the station. Third one this year.",
            "Cycling along {street} at rush hour is an extreme sport.",
            "The new bike path in {wijk} is amazing. The Netherlands spoils you.",
            "Is the 30 km/h limit in {wijk} actually enforced?",
        ],
        news_slugs: &[
            "meer-straten-worden-30-kilometerzone",
            "fietsenstallingen-station-overvol",
            "verkeersveiligheid-rond-scholen-onder-druk",
        ],
    },
    Topic {
        weight: 10,
        hashtags: &["#warmtenet", "#energietransitie", "#zonnepanelen", "#energietoeslag"],
        things: &[
            "het warmtenet",
            "de zonnepanelen",
            "de energietoeslag",
            "de warmtepomp",
            "de isolatiesubsidie",
            "de energiecoach",
        ],
        negative: &[
            "Aansluiting op het warmtenet in {wijk} wordt verplicht? Niemand heeft ons iets gevraagd.",
            "Energietoeslag aangevraagd in {maand} en nog steeds niks gehoord.",
            "Warmtenet in {wijk} had {tijd} weer een storing. Koude douche, niet blij.",
            "Subsidie voor isolatie is alweer op. Ik snap er niks van.",
            "Windturbines zo dicht bij {wijk}? Slecht plan.",
            "Tarief van het warmtenet {echt} hoger dan gas. Hoe is dat eerlijk?",
        ],
        positive: &[
            "Zonnepanelen op het dak van de sporthal in {wijk}. Mooi initiatief!",
            "Energiecoach van de gemeente was langs, {aantal} tips gekregen. Super handig.",
            "Energietoeslag binnen twee weken op de rekening. Goed geregeld.",
            "Trots op onze buurt: {groot} daken vol zonnepanelen in {wijk}.",
        ],
        neutral: &[
            "Informatieavond over het warmtenet in {wijk} op {dag}. Wie gaat er?",
            "Kom ik in aanmerking voor de energietoeslag als ik parttime werk?",
            "Gemeente zoekt locaties voor windturbines. Reageren kan tot eind van de maand.",
            "Hoe zit het met de kosten van aansluiten op het warmtenet?",
        ],
        english: &[
            "Does anyone know if expats can apply for the energy allowance (energietoeslag)?",
            "Our building is getting connected to the district heating network. Any experiences?",
            "Solar panels on every roof in {wijk}. Love to see it.",
        ],
        news_slugs: &[
            "warmtenet-uitgebreid-naar-nieuwe-wijken",
            "energietoeslag-opnieuw-aan-te-vragen",
            "gemeente-zoekt-plek-voor-windturbines",
        ],
    },
    Topic {
        weight: 6,
        hashtags: &["#vuurwerkverbod", "#vuurwerk", "#oudennieuw"],
        things: &["het vuurwerkverbod", "de vuurwerkvrije zone", "het knalvuurwerk", "de vuurwerkshow"],
        negative: &[
            "Vuurwerkverbod en toch {tijd} harde knallen in {wijk}. Handhaving is een lachertje.",
            "Mijn hond is {echt} doodsbang van al die knallen. Dat verbod werkt niet.",
            "Weer een vuurwerkverbod? Laat mensen toch gewoon oud en nieuw vieren. Niet blij.",
            "Autobrand in {wijk} door vuurwerk. Triest.",
        ],
        positive: &[
            "Centrale vuurwerkshow in plaats van losse knallen: goed plan!",
            "Blij met het vuurwerkverbod. Eindelijk een rustige jaarwisseling voor de dieren.",
            "Vuurwerkvrije zone rond het ziekenhuis is een prima idee.",
        ],
        neutral: &[
            "De raad stemt {dag} over een algeheel vuurwerkverbod.",
            "Waar komt de vuurwerkshow dit jaar? In {wijk}?",
            "Geldt het vuurwerkverbod ook voor siervuurwerk?",
        ],
        english: &[
            "Is the fireworks ban actually enforced? Sounded like a war zone in {wijk} last night.",
        ],
        news_slugs: &["raad-stemt-over-vuurwerkverbod", "vuurwerkvrije-zones-uitgebreid"],
    },
    Topic {
        weight: 7,
        hashtags: &["#ov", "#bus", "#tram"],
        things: &["de bus", "de tram", "de bushalte", "het ov", "de nachtbus"],
        negative: &[
            "Buslijn {lijn} rijdt {tijd} niet meer via {wijk}. Hoe moeten ouderen nu naar het ziekenhuis?",
            "Tram {tijd} weer uitgevallen. Te laat op mijn werk.",
            "Bushalte op {straat} opgeheven zonder overleg. Niet oké.",
            "Twintig minuten in de regen gewacht op lijn {lijn}. De dienstregeling is een grap.",
        ],
        positive: &[
            "Nieuwe nachtbus naar {wijk} scheelt een hoop. Goed geregeld!",
            "Lijn {lijn} rijdt nu elke tien minuten. Top.",
            "Gratis ov voor ouderen in de daluren: mooi initiatief.",
        ],
        neutral: &[
            "Vanaf {dag} rijdt lijn {lijn} een andere route door {wijk}.",
            "Weet iemand of de tram in het weekend ook naar {wijk} gaat?",
            "Gemeente en vervoerder praten over een extra buslijn naar {wijk}.",
        ],
        english: &[
            "Bus {lijn} didn't show up again. Public transport here isn't always that great.",
            "The tram to {wijk} is actually really convenient.",
        ],
        news_slugs: &["buslijn-verdwijnt-uit-wijk", "nieuwe-dienstregeling-bus-en-tram"],
    },
    Topic {
        weight: 5,
        hashtags: &["#zwembad", "#sport", "#sportpark"],
        things: &["het zwembad", "het sportpark", "de sporthal", "het kunstgrasveld"],
        negative: &[
            "Zwembad in {wijk} gaat dicht? Waar moeten de kinderen nu zwemles krijgen?",
            "Sporthal in {wijk} {tijd} dicht wegens onderhoud. Niet blij.",
            "Tarieven van het zwembad {echt} omhoog. Voor gezinnen onbetaalbaar.",
        ],
        positive: &[
            "Nieuw sportpark in {wijk} is prachtig geworden. Goed gedaan!",
            "Gratis zwemles voor kinderen uit gezinnen met weinig geld. Super!",
            "Het vernieuwde zwembad is {echt} mooi. Blij mee.",
        ],
        neutral: &[
            "Wat zijn de openingstijden van het zwembad in {wijk} in de herfstvakantie?",
            "Gemeente onderzoekt renovatie van het zwembad in {wijk}.",
        ],
        english: &["Which swimming pool in town has lanes for adults in the evening?"],
        news_slugs: &["zwembad-dicht-voor-renovatie", "nieuw-sportpark-geopend"],
    },
    Topic {
        weight: 6,
        hashtags: &["#armoede", "#schuldhulp", "#voedselbank"],
        things: &["de schuldhulpverlening", "de voedselbank", "de bijzondere bijstand", "de stadspas"],
        negative: &[
            "{aantal} weken wachten op een gesprek bij de schuldhulpverlening. Ondertussen lopen de boetes op.",
            "Steeds meer gezinnen in {wijk} bij de voedselbank. Schrijnend.",
            "Formulier voor bijzondere bijstand is {echt} onbegrijpelijk. Geen wonder dat mensen afhaken.",
        ],
        positive: &[
            "Schuldhulp van de gemeente heeft ons {echt} geholpen. Dank jullie wel.",
            "Stadspas geeft nu ook korting op sport voor kinderen. Mooi.",
            "Vrijwilligers van de voedselbank in {wijk}: helden.",
        ],
        neutral: &[
            "Waar kun je terecht met vragen over schulden in {wijk}?",
            "Gemeente breidt het minimabeleid uit. De inkomensgrens gaat omhoog.",
        ],
        english: &[],
        news_slugs: &["meer-mensen-bij-schuldhulp", "voedselbank-ziet-aanmeldingen-stijgen"],
    },
    Topic {
        weight: 5,
        hashtags: &["#jeugdzorg", "#wijkteam"],
        things: &["de jeugdzorg", "het wijkteam", "de jeugdhulp"],
        negative: &[
            "{aantal} maanden op de wachtlijst voor jeugdzorg. Ons kind heeft nú hulp nodig.",
            "Bezuinigingen op jeugdzorg. Wie betaalt straks de prijs? De kinderen.",
            "Wijkteam belt niet terug. {echt} frustrerend.",
        ],
        positive: &[
            "Het wijkteam in {wijk} heeft ons snel geholpen. Fijn!",
            "Goed dat er extra geld naar de jeugdzorg gaat.",
        ],
        neutral: &[
            "Hoe meld je je aan bij het wijkteam in {wijk}?",
            "Raadsdebat over jeugdzorg staat {dag} op de agenda.",
        ],
        english: &[],
        news_slugs: &["wachtlijsten-jeugdzorg-nog-altijd-lang"],
    },
    Topic {
        weight: 7,
        hashtags: &["#koningsdag", "#kermis", "#evenementen", "#buurtfeest"],
        things: &["de kermis", "het buurtfeest", "de braderie", "het festival", "de markt"],
        negative: &[
            "Kermis in {wijk} tot middernacht herrie. Niet blij.",
            "Festival in het park en daarna een grote troep. Wie ruimt dit op?",
            "Vergunning voor ons buurtfeest is {echt} duur en ingewikkeld.",
        ],
        positive: &[
            "Wat een gezellige braderie in {wijk}! Goed georganiseerd.",
            "Koningsdag wordt volgend jaar in {wijk} gevierd. Leuk!",
            "Intocht van Sinterklaas was {echt} mooi, de kinderen genoten.",
        ],
        neutral: &[
            "Komt de kermis dit jaar weer naar {wijk}?",
            "Weet iemand hoe je een vergunning aanvraagt voor een buurtfeest?",
            "Wegafsluitingen in {wijk} vanwege de markt op {dag}.",
        ],
        english: &[
            "Is King's Day here worth it or should I go to Amsterdam?",
            "The market in {wijk} on {dag} is lovely.",
        ],
        news_slugs: &["programma-koningsdag-bekend", "kermis-komt-terug"],
    },
    Topic {
        weight: 4,
        hashtags: &["#gemeente", "#dienstverlening"],
        things: &["het stadskantoor", "de klantenservice", "de website van de gemeente", "de meldingen-app"],
        negative: &[
            "Pas over {aantal} weken een afspraak voor een nieuw paspoort. Op vakantie gaan wordt lastig.",
            "{aantal} minuten in de wacht bij de gemeente. Zucht.",
            "Melding gedaan over een kapotte lantaarnpaal op {straat}, {tijd} niks gebeurd.",
        ],
        positive: &[
            "Melding over losliggende stoeptegels binnen twee dagen opgelost. Snel!",
            "Rijbewijs verlengd, binnen tien minuten weer buiten. Top service.",
        ],
        neutral: &[
            "Is het stadskantoor op {dag} open?",
            "Hoe doe je een melding over zwerfvuil in {wijk}?",
        ],
        english: &[
            "Registering at the municipality as a new resident was surprisingly quick.",
            "Anyone know how to book an appointment at the city office in English?",
        ],
        news_slugs: &["wachttijd-paspoort-loopt-op"],
    },
];

/// The storm of the burst day.
pub(super) const STORM_HASHTAGS: &[&str] = &["#storm", "#stormschade", "#codeoranje", "#knmi"];

pub(super) const STORM_DUTCH_WHILE_IT_BLOWS: &[&str] = &[
    "Wat een storm! Boom omgewaaid op {straat} in {wijk}, weg volledig geblokkeerd.",
    "Omgewaaide bomen overal in {wijk}. Blijf binnen als het kan!",
    "Steiger op {straat} waait bijna om door de storm. Gemeente, kom kijken!!",
    "Geen stroom in {wijk} sinds de storm begon. Iemand info?",
    "Code oranje voor de storm en de trein rijdt niet. Dan maar thuiswerken.",
    "Heftig, die storm. Trampoline van de buren ligt in onze tuin.",
    "{echt} harde windstoten hier in {wijk}. Fietsen is onbegonnen werk.",
    "Dakpannen vliegen van het dak op {straat}. Wat een storm, pas op als je buiten bent!",
    "Brandweer rukt overal uit in {wijk} vanwege de storm. Wat een avond.",
    "Omgewaaide boom op een geparkeerde auto op {straat}. Gelukkig zat er niemand in.",
    "Stormschade bij ons in {wijk}: schutting plat, kliko twee straten verderop.",
    "Bijna van mijn fiets geblazen op {straat}. Wat een storm, echt niet normaal dit.",
];

pub(super) const STORM_DUTCH_AFTERMATH: &[&str] = &[
    "Opruimen na de storm in {wijk}. Wat een ravage.",
    "Wanneer wordt de omgewaaide boom op {straat} weggehaald? Ligt er al sinds gisteravond.",
    "Halve dakpannen in de tuin. Stormschade melden bij de verzekering, wie heeft ervaring?",
    "Brandweer en gemeente hebben keihard gewerkt om de omgewaaide bomen weg te halen. Respect.",
    "Gemeente meldt: {groot} bomen omgewaaid in de stad. Meld schade via de website.",
    "Park in {wijk} afgesloten na stormschade. Begrijpelijk.",
    "Niet blij met hoe lang het duurt voordat de takken van de storm op het fietspad in {wijk} zijn opgeruimd.",
    "Storm is gaan liggen. Buren helpen elkaar met opruimen in {wijk}, mooi om te zien.",
    "Nog steeds een omgewaaide boom over het fietspad op {straat}. Levensgevaarlijk in het donker.",
    "Stormschade aan ons dak valt mee. Anderen in {wijk} hadden minder geluk.",
];

pub(super) const STORM_ENGLISH: &[&str] = &[
    "Storm knocked down a tree on our street in {wijk}. Bikes everywhere.",
    "First Dutch storm experience. Is this normal?! The wind is insane.",
    "Our balcony furniture is gone. Storm damage is real.",
    "Trains cancelled because of the storm, working from home it is.",
];

pub(super) const STORM_NEWS_SLUGS: &[&str] = &[
    "storm-raast-over-nederland-code-oranje",
    "veel-stormschade-bomen-omgewaaid",
    "opruimen-na-zware-storm",
];

/// Chatter that no municipal monitor should match.
pub(super) const OFF_TOPIC_DUTCH: &[&str] = &[
    "Wat een wedstrijd van {club}! Die tweede helft was geweldig.",
    "{club} verliest alweer. Ik ben er klaar mee.",
    "Zondag naar {club} met de kids. Zin in!",
    "Die scheidsrechter gisteren... niet te geloven.",
    "Oranje moet gewoon met vijf verdedigers spelen, punt.",
    "Wat een heerlijk herfstzonnetje vandaag.",
    "Regen, regen en nog eens regen. Typisch Nederland.",
    "Eerste nachtvorst. Tijd voor de winterjas.",
    "Mist vanochtend, net een sprookje.",
    "Zondag stamppot, maandag pizza. Zo gaat dat hier.",
    "Beste {gerecht} van de stad gevonden in {wijk}. Echt een aanrader!",
    "Zelf {gerecht} gemaakt. Mislukt, maar wel lekker.",
    "Wie weet een goed adres voor {gerecht} in de buurt?",
    "Wie kijkt er vanavond ook {programma}?",
    "{programma} was gisteren {echt} spannend.",
    "Ben ik de enige die {programma} saai vindt?",
    "Hele avond {programma} gekeken. Geen spijt.",
    "Maandagochtend en de koffie is op. Dit wordt een lange dag.",
    "Hond heeft mijn sok opgegeten. Alweer.",
    "Net de eerste kerstreclame gezien. Het is oktober, mensen!",
    "Eindelijk vakantie! Even helemaal niks.",
    "Nieuwe podcast ontdekt, {echt} een aanrader.",
    "Verjaardag van mijn moeder vandaag. Taart!",
    "Kat ligt de hele dag op de verwarming. Goed leven.",
    "Nieuwe sneakers gekocht. Geen spijt, wel een lege portemonnee.",
    "Waarom is de rij bij de bakker op zaterdag altijd zo lang?",
];

pub(super) const OFF_TOPIC_ENGLISH: &[&str] = &[
    "Dutch weather is something else today.",
    "Stroopwafels are my new addiction.",
    "Watched {club} last night. Dutch football fans are loud!",
    "Learning Dutch is hard. Why are there so many g sounds?",
    "Found the best coffee place in {wijk}.",
    "Finally tried {gerecht}. Not bad at all.",
];

pub(super) const NEIGHBOURHOODS: &[&str] = &[
    "Utrecht-Oost",
    "Lombok",
    "Zuilen",
    "Overvecht",
    "Leidsche Rijn",
    "Kanaleneiland",
    "Hoograven",
    "Lunetten",
    "Wittevrouwen",
    "Tuinwijk",
    "Ondiep",
    "Oog in Al",
    "Dichterswijk",
    "Vleuten",
    "De Meern",
    "Terwijde",
    "de binnenstad",
    "Transwijk",
    "Tolsteeg",
    "Pijlsweerd",
    "Oudwijk",
    "Nieuw Engeland",
];

pub(super) const STREETS: &[&str] = &[
    "de Kanaalstraat",
    "de Amsterdamsestraatweg",
    "de Biltstraat",
    "de Vleutenseweg",
    "de Croeselaan",
    "de Marnixlaan",
    "de Twijnstraat",
    "de Oudegracht",
    "de Weerdsingel",
    "de Burgemeester Reigerstraat",
    "de Vaartsche Rijn",
    "de Merwedekanaalzone",
    "het Vredenburgplein",
    "de Europalaan",
];

pub(super) const TIME_PHRASES: &[&str] = &[
    "al drie weken",
    "sinds maandag",
    "vanochtend",
    "gisteravond",
    "al dagen",
    "alweer",
    "al een maand",
    "sinds de zomer",
    "vandaag",
    "deze week",
];

pub(super) const WEEKDAYS: &[&str] = &[
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
];

pub(super) const MONTHS: &[&str] = &["juni", "juli", "augustus", "september"];

pub(super) const INTENSIFIERS: &[&str] = &[
    "echt",
    "super",
    "heel",
    "ontzettend",
    "best wel",
    "zó",
    "mega",
    "echt",
];

pub(super) const BUS_LINES: &[&str] = &["2", "3", "4", "8", "9", "12", "28", "34", "73", "77"];

pub(super) const CLUBS: &[&str] = &["FC Utrecht", "Ajax", "Feyenoord", "PSV", "Oranje"];

pub(super) const DISHES: &[&str] = &[
    "kapsalon",
    "appeltaart",
    "bitterballen",
    "pho",
    "shoarma",
    "poffertjes",
    "ramen",
    "roti",
];

pub(super) const PROGRAMMES: &[&str] = &[
    "Boer zoekt Vrouw",
    "Heel Holland Bakt",
    "Wie is de Mol?",
    "het Journaal",
    "Expeditie Robinson",
    "De Slimste Mens",
];

pub(super) const OPENERS_NEGATIVE: &[&str] =
    &["Alweer:", "Serieus?", "Pff.", "Ongelofelijk.", "Nou,"];
pub(super) const OPENERS_POSITIVE: &[&str] = &["Goed nieuws:", "Leuk!", "Yes!", "Mooi:"];
pub(super) const OPENERS_NEUTRAL: &[&str] =
    &["Vraagje:", "Ter info:", "Update:", "Even delen:", "Let op:"];

pub(super) const TAILS_NEGATIVE: &[&str] = &[
    "Niet blij mee.",
    "Echt niet oké.",
    "Wat een gedoe weer.",
    "Dit kan toch niet?",
    "Ik ben er klaar mee.",
    "Belachelijk gewoon.",
    "Niemand die iets doet.",
    "Zo frustrerend.",
    "Slecht geregeld.",
    "Waarom duurt dit zo lang?",
    "Ben er helemaal niet tevreden over.",
    "Niet normaal meer.",
    "Zucht.",
    "Gemeente, doe er iets aan!",
];

pub(super) const TAILS_POSITIVE: &[&str] = &[
    "Goed bezig!",
    "Top geregeld.",
    "Eindelijk!",
    "Super blij mee.",
    "Complimenten aan de gemeente.",
    "Zo kan het dus ook.",
    "Fijn dat er naar ons geluisterd is.",
    "Niet slecht!",
    "Echt een verbetering.",
    "Chapeau.",
    "Heel tevreden.",
];

pub(super) const TAILS_NEUTRAL: &[&str] = &[
    "Weet iemand hoe dit zit?",
    "Meer info op de site van de gemeente.",
    "Ben benieuwd.",
    "Iemand ervaring mee?",
    "We gaan het zien.",
    "Wordt vervolgd.",
    "Stond ook in de wijkkrant.",
    "Wordt donderdag besproken in de raad.",
];

pub(super) const TAILS_ENGLISH_NEGATIVE: &[&str] = &[
    "Not impressed.",
    "So frustrating.",
    "Come on.",
    "Why is this so hard?",
];
pub(super) const TAILS_ENGLISH_POSITIVE: &[&str] = &["Love it here.", "Well done!", "Great job."];
pub(super) const TAILS_ENGLISH_NEUTRAL: &[&str] =
    &["Any tips?", "Anyone know?", "Curious how this works."];

pub(super) const REPLY_OPENERS_DUTCH: &[&str] = &[
    "Eens!",
    "Precies dit.",
    "Helemaal mee eens.",
    "Oneens hoor.",
    "Klopt niet helemaal:",
    "Hier ook.",
    "Dat dacht ik ook.",
    "Zo herkenbaar.",
];

pub(super) const REPLY_OPENERS_ENGLISH: &[&str] =
    &["Agreed!", "Same here.", "Not sure about that:"];

pub(super) const EMOJI_NEGATIVE: &[&str] = &["😡", "🤬", "😤", "🙄", "😩", "👎", "😢"];
pub(super) const EMOJI_POSITIVE: &[&str] = &["👍", "🙌", "😊", "🎉", "💚", "👏"];
pub(super) const EMOJI_NEUTRAL: &[&str] = &["🤔", "📢", "👀", "ℹ️"];
pub(super) const EMOJI_STORM: &[&str] = &["🌪️", "💨", "😱", "🌳", "⚠️"];

pub(super) const OFF_TOPIC_HASHTAGS: &[&str] = &["#voetbal", "#weer", "#eten", "#tv", "#maandag"];

/// Parts of made-up names for e-mail addresses, handles and profile URLs.
pub(super) const FIRST_NAMES: &[&str] = &[
    "jan", "sanne", "pieter", "fatima", "mohamed", "lisa", "daan", "emma", "noah", "anouk",
    "youssef", "sophie", "bram", "fleur", "ahmed", "lotte", "thijs", "eva", "kees", "ingrid",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "devries", "jansen", "bakker", "visser", "smit", "meijer", "elamrani", "dejong", "mulder",
    "bos", "yilmaz", "vandijk",
];

pub(super) const EMAIL_DOMAINS: &[&str] = &[
    "voorbeeld.nl",
    "example.com",
    "example.org",
    "voorbeeld.org",
];

pub(super) const HANDLE_WORDS: &[&str] = &[
    "fietsfan",
    "buurvrouw",
    "oostbewoner",
    "kanaalkat",
    "domtoren",
    "stadsmens",
    "zuilenaar",
    "koffieleut",
    "regenjas",
    "tulpje",
    "grachtgast",
    "wijkwatcher",
];

/// The made-up account of the demo municipality, mentioned now and then.
pub(super) const MUNICIPALITY_HANDLE: &str = "@gemeente_demostad";

pub(super) const PROFILE_URL_PATTERNS: &[&str] = &[
    "https://x.com/{naam}",
    "https://mastodon.social/@{naam}",
    "https://bsky.app/profile/{naam}.bsky.social",
    "https://www.instagram.com/{naam}/",
];

pub(super) const EMAIL_FRAMES_DUTCH: &[&str] = &[
    "Mail me gerust: {email}",
    "Wie wil helpen? Stuur een mail naar {email}",
    "Reacties naar {email}",
    "Meer weten? {email}",
];
pub(super) const EMAIL_FRAMES_ENGLISH: &[&str] = &["Email me at {email}", "Contact: {email}"];

pub(super) const PHONE_FRAMES_DUTCH: &[&str] = &[
    "Bel gerust: {telefoon}",
    "Appje naar {telefoon}",
    "Info: {telefoon}",
    "Bereikbaar op {telefoon}",
];
pub(super) const PHONE_FRAMES_ENGLISH: &[&str] = &["Call or text {telefoon}", "Phone: {telefoon}"];

pub(super) const HANDLE_FRAMES: &[&str] = &[
    "cc {handle}",
    "via {handle}",
    "(h/t {handle})",
    "{handle} weet er meer van.",
];

pub(super) const PROFILE_FRAMES_DUTCH: &[&str] = &[
    "Zie ook {profiel}",
    "Volg {profiel} voor updates",
    "Filmpje staat op {profiel}",
];
pub(super) const PROFILE_FRAMES_ENGLISH: &[&str] =
    &["Follow {profiel} for updates", "See {profiel}"];

pub(super) const NEWS_FRAMES_DUTCH: &[&str] = &["{nieuws}", "Lees: {nieuws}", "Bron: {nieuws}"];
pub(super) const NEWS_FRAMES_ENGLISH: &[&str] = &["{nieuws}", "Source: {nieuws}"];

pub(super) const NEWS_SITES: &[&str] = &[
    "https://nos.nl/artikel/{nummer}-{slug}",
    "https://www.rtvutrecht.nl/nieuws/{nummer}/{slug}",
    "https://www.duic.nl/algemeen/{slug}/",
];

pub(super) const OFF_TOPIC_NEWS_SLUGS: &[&str] = &[
    "spannende-wedstrijd-in-de-eredivisie",
    "weerbericht-zonnige-herfstdag",
];

/// Relative posting activity per hour of the day (UTC): quiet at night, peaks in the morning and
/// the evening.
pub(super) const HOURLY_ACTIVITY: [f64; 24] = [
    0.45, 0.20, 0.12, 0.10, 0.10, 0.15, 0.40, 0.80, 1.30, 1.25, 1.00, 0.95, 1.05, 0.95, 0.90, 0.90,
    0.95, 1.00, 1.10, 1.35, 1.45, 1.40, 1.20, 0.80,
];
