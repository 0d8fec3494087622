//! Every interface string, in Dutch (default) and English. The `messages!` macro takes both
//! columns for every key, so a key without a translation does not compile.
//!
//! Texts with a `{name}` placeholder are filled with [`fill`].

use crate::Language;

macro_rules! messages {
    ($($key:ident => $nl:expr, $en:expr;)*) => {
        /// A message of the interface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key { $($key,)* }

        impl Key {
            /// Every key, in table order.
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];
        }

        /// The text of `key` in `language`.
        pub fn text(language: Language, key: Key) -> &'static str {
            match key {
                $(Key::$key => match language { Language::Nl => $nl, Language::En => $en },)*
            }
        }
    };
}

/// Replaces each `{name}` in `template` by its value (values are inserted as given: escape the
/// result, not the values, when it goes into HTML).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut filled = template.to_string();
    for (name, value) in values {
        filled = filled.replace(&format!("{{{name}}}"), value);
    }
    filled
}

messages! {
    // Layout
    SiteName => "Peil", "Peil";
    SkipLink => "Direct naar de inhoud", "Skip to content";
    SignedInAs => "Ingelogd als", "Signed in as";
    Logout => "Uitloggen", "Sign out";
    LanguageToggle => "English", "Nederlands";
    LanguageToggleHint => "Switch to English", "Schakel over naar Nederlands";
    MainNavigation => "Hoofdmenu", "Main menu";
    NavOverview => "Werkruimtes", "Workspaces";
    NavNewWorkspace => "Nieuwe werkruimte", "New workspace";
    NavInbox => "Webcare-inbox", "Webcare inbox";
    NavFgConsole => "FG-console", "DPO console";
    NavAudit => "Auditlog", "Audit log";
    NavSubjectRequests => "Verzoeken van betrokkenen", "Data-subject requests";
    FooterText => "Peil volgt openbare sociale media in cijfers, zonder profielen van personen.", "Peil follows public social media in figures, without profiles of people.";
    FooterLicences => "Licenties", "Licences";
    RoleAdmin => "beheerder", "administrator";
    RoleAnalyst => "analist", "analyst";
    RoleWebcare => "webcare", "webcare";
    RoleFg => "functionaris gegevensbescherming", "data protection officer";
    Required => "verplicht", "required";
    Optional => "optioneel", "optional";
    ErrorSummaryTitle => "Controleer de volgende velden", "Please check the following fields";
    Yes => "ja", "yes";
    No => "nee", "no";
    None_ => "geen", "none";
    Suppressed => "<k", "<k";

    // Login
    LoginTitle => "Inloggen", "Sign in";
    LoginIntro => "Log in met het account dat uw organisatie u gaf.", "Sign in with the account your organisation gave you.";
    Username => "Gebruikersnaam", "User name";
    UsernameHelp => "Zoals uw beheerder die heeft aangemaakt.", "As your administrator created it.";
    Password => "Wachtwoord", "Password";
    TotpCode => "Verificatiecode", "Verification code";
    TotpCodeHelp => "Alleen voor beheerders en de FG: de code van zes cijfers uit uw authenticator-app.", "Administrators and the DPO only: the six-digit code from your authenticator app.";
    LoginButton => "Inloggen", "Sign in";
    LoginFailed => "Inloggen is niet gelukt: de gebruikersnaam of het wachtwoord klopt niet.", "Signing in failed: the user name or password is not correct.";
    LoginOidc => "Werkt uw organisatie met een eigen inlogdienst (OpenID Connect)? Log dan in met uw organisatie via het adres <code>/login/oidc/</code> gevolgd door de naam van uw organisatie, of via de link die uw beheerder u gaf.", "Does your organisation use its own sign-in service (OpenID Connect)? Then log in with your organisation at <code>/login/oidc/</code> followed by your organisation's name, or through the link your administrator gave you.";

    // Overview
    OverviewTitle => "Werkruimtes", "Workspaces";
    OverviewIntro => "Elke werkruimte is één verwerking met één doel, een grondslag, bewaartermijnen en een minimale celgrootte k.", "Each workspace is one processing activity with one purpose, a legal basis, retention periods and a minimum cell size k.";
    WorkspacesCaption => "Werkruimtes van {organisation}", "Workspaces of {organisation}";
    NoWorkspaces => "Er zijn nog geen werkruimtes.", "There are no workspaces yet.";
    ColName => "Naam", "Name";
    ColStatus => "Status", "Status";
    ColPurpose => "Doel", "Purpose";
    ColK => "k", "k";
    ColRetention => "Bewaartermijn", "Retention";
    ColEndDate => "Einddatum", "End date";
    ColPosts => "Berichten", "Posts";
    ColShare => "Aandeel", "Share";
    ColActions => "Acties", "Actions";
    LinkDashboard => "Dashboard", "Dashboard";
    LinkMonitors => "Monitors", "Monitors";
    LinkSettings => "Instellingen", "Settings";
    StatusDraft => "concept", "draft";
    StatusApproved => "goedgekeurd", "approved";
    StatusActive => "actief", "active";
    StatusClosed => "gesloten", "closed";
    PurposeWebcare => "Communicatie en webcare", "Communication and webcare";
    PurposeTrend => "Trend- en beleidsanalyse", "Trend and policy analysis";
    PurposePublicOrder => "Algemeen beeld openbare orde", "Public order general picture";
    RetentionValue => "berichten {posts} dagen, aggregaten {aggregates} dagen", "posts {posts} days, aggregates {aggregates} days";

    // Workspace form
    WorkspaceNewTitle => "Nieuwe werkruimte", "New workspace";
    WorkspaceEditTitle => "Werkruimte {name} wijzigen", "Edit workspace {name}";
    FieldName => "Naam", "Name";
    FieldNameHelp => "Een korte naam, bijvoorbeeld het onderwerp. Geen namen van personen.", "A short name, for example the topic. No names of people.";
    FieldPurpose => "Doel", "Purpose";
    FieldPurposeHelp => "Het doel bepaalt wat Peil laat zien. Een doel verandert nooit: een nieuw doel is een nieuwe werkruimte.", "The purpose decides what Peil shows. A purpose never changes: a new purpose is a new workspace.";
    PurposeFixed => "Het doel van een bestaande werkruimte verandert niet; maak voor een ander doel een nieuwe werkruimte.", "The purpose of an existing workspace does not change; create a new workspace for another purpose.";
    PurposeWebcareHelp => "Berichten aan de eigen accounts van de organisatie beantwoorden; korte bewaartermijn.", "Answer messages addressed to the organisation's own accounts; short retention.";
    PurposeTrendHelp => "Cijfers over onderwerpen en sentiment, met hooguit enkele geanonimiseerde voorbeeldcitaten.", "Figures on topics and sentiment, with at most a few de-identified example quotes.";
    PurposePublicOrderHelp => "Alleen cijfers; vraagt een aanleiding, goedkeuring van de FG en een einddatum.", "Figures only; needs a lead, approval by the DPO and an end date.";
    FieldPurposeText => "Omschrijving van het doel", "Description of the purpose";
    FieldPurposeTextHelp => "Waarom deze verwerking nodig is voor uw publieke taak.", "Why this processing is needed for your public task.";
    FieldLegalBasis => "Grondslag", "Legal basis";
    FieldLegalBasisHelp => "Bijvoorbeeld: AVG art. 6 lid 1 sub e, met art. 172 lid 1 Gemeentewet.", "For example: GDPR art. 6(1)(e), with art. 172(1) of the Municipalities Act.";
    FieldLead => "Aanleiding", "Lead";
    FieldLeadHelp => "Verplicht voor een algemeen beeld openbare orde: de concrete aanleiding (een evenement, een demonstratie).", "Required for a public order general picture: the concrete lead (an event, a demonstration).";
    FieldRetentionPosts => "Bewaartermijn berichten (dagen)", "Retention of posts (days)";
    FieldRetentionPostsHelp => "Na deze termijn worden opgeslagen berichten echt verwijderd.", "After this period stored posts are really deleted.";
    FieldRetentionAggregates => "Bewaartermijn aggregaten (dagen)", "Retention of aggregates (days)";
    FieldRetentionAggregatesHelp => "Hoe lang telcijfers bewaard blijven.", "How long counts are kept.";
    FieldK => "Minimale celgrootte k", "Minimum cell size k";
    FieldKHelp => "Cijfers van minder dan k verschillende auteurs worden nooit getoond. Minimaal 5, standaard 10.", "Figures from fewer than k distinct authors are never shown. At least 5, default 10.";
    FieldSources => "Toegestane bronnen", "Allowed sources";
    FieldSourcesHelp => "Gescheiden door komma's, bijvoorbeeld mastodon, bluesky. Leeg: alle openbare bronnen die Peil ondersteunt.", "Separated by commas, for example mastodon, bluesky. Empty: every public source Peil supports.";
    FieldOwnAccounts => "Eigen accounts van de organisatie", "The organisation's own accounts";
    FieldOwnAccountsHelp => "Gescheiden door komma's. Alleen accounts van de organisatie zelf, nooit van personen.", "Separated by commas. Only the organisation's own accounts, never those of people.";
    FieldFgContact => "Contact functionaris gegevensbescherming", "Data protection officer contact";
    FieldFgContactHelp => "Een functioneel adres, bijvoorbeeld fg@gemeente.example; komt op de transparantiepagina.", "A functional address, for example fg@municipality.example; it appears on the transparency page.";
    FieldEndsAt => "Einddatum", "End date";
    FieldEndsAtHelp => "Verplicht voor een algemeen beeld openbare orde (hooguit 30 dagen vooruit).", "Required for a public order general picture (at most 30 days ahead).";
    FieldWhy => "Waarom deze wijziging?", "Why this change?";
    FieldWhyHelp => "Wordt vastgelegd bij de wijziging en is zichtbaar voor de FG.", "Recorded with the change and visible to the DPO.";
    SaveWorkspace => "Werkruimte opslaan", "Save workspace";
    WorkspaceRenewTitle => "Werkruimte {name} verlengen", "Renew workspace {name}";
    EditWidensNote => "Wijzigingen die de verwerking verruimen (langere bewaartermijn, lagere k, meer bronnen of eigen accounts, een nieuwe aanleiding, een andere grondslag of omschrijving) zetten een goedgekeurde of actieve werkruimte terug naar concept: de FG moet opnieuw goedkeuren. Inperkingen gaan direct in; een kortere bewaartermijn geldt vanaf de volgende bewaarrun.", "Changes that widen the processing (longer retention, lower k, more sources or own accounts, a new lead, another legal basis or description) put an approved or active workspace back to draft: the DPO must approve again. Narrowing changes apply at once; a shorter retention applies from the next retention run.";
    RenewNote => "Een algemeen beeld openbare orde loopt hooguit 30 dagen. Verlengen vraagt een nieuwe einddatum en aanleiding; daarna is de werkruimte weer concept en moet de FG opnieuw goedkeuren.", "A public order general picture runs at most 30 days. Renewal needs a new end date and lead; afterwards the workspace is a draft again and the DPO must approve it again.";
    LinkRenew => "Verlengen", "Renew";
    SaveRenewal => "Verlenging aanvragen", "Request renewal";
    FieldEndsAtRenewHelp => "De nieuwe einddatum, hooguit 30 dagen vooruit (JJJJ-MM-DD).", "The new end date, at most 30 days ahead (YYYY-MM-DD).";
    WorkspaceSettingsLegend => "Verwerking", "Processing";
    WorkspaceSafeguardsLegend => "Bewaren en drempels", "Retention and thresholds";
    WorkspaceSourcesLegend => "Bronnen en contact", "Sources and contact";

    // Monitors
    MonitorsTitle => "Monitors van {name}", "Monitors of {name}";
    MonitorsIntro => "Een monitor bepaalt welke openbare berichten deze werkruimte bewaart. Zoeken naar personen wordt geweigerd: geen author:, from:, user: of mention:, geen @-namen behalve de eigen accounts, geen profiel-URL's, e-mailadressen, telefoonnummers of namen van personen.", "A monitor decides which public posts this workspace stores. Searching for people is refused: no author:, from:, user: or mention:, no @handles except the organisation's own accounts, no profile URLs, e-mail addresses, phone numbers or names of people.";
    MonitorQuery => "Zoekvraag", "Query";
    MonitorQueryHelp => "Termen, \"zinnen\", AND, OR, NOT, jokertekens (afval*), #hashtags, lang:nl, source:mastodon.", "Terms, \"phrases\", AND, OR, NOT, wildcards (waste*), #hashtags, lang:en, source:mastodon.";
    MonitorWhy => "Verantwoording", "Justification";
    MonitorWhyHelp => "Waarom deze zoekvraag nodig is voor het doel van de werkruimte.", "Why this query is needed for the workspace's purpose.";
    AddMonitor => "Controleren en toevoegen", "Check and add";
    GuardAccepted => "De zoekvraag is toegestaan en de monitor is toegevoegd.", "The query is allowed and the monitor was added.";
    GuardRefused => "De zoekvraag is geweigerd", "The query was refused";
    GuardLiveAccepted => "Toegestaan: de zoekvraag zoekt niet naar personen. Bij toevoegen controleert Peil opnieuw.", "Allowed: the query does not search for persons. Peil checks again when you add it.";
    GuardLiveRefused => "Geweigerd", "Refused";
    GuardLiveUnavailable => "De directe controle is nu niet beschikbaar; Peil controleert de zoekvraag bij toevoegen.", "The live check is not available now; Peil checks the query when you add it.";
    ExistingMonitors => "Monitors in deze werkruimte", "Monitors in this workspace";
    NoMonitors => "Deze werkruimte heeft nog geen monitors.", "This workspace has no monitors yet.";
    ColQuery => "Zoekvraag", "Query";
    ColJustification => "Verantwoording", "Justification";
    ColActive => "Actief", "Active";
    ColCreated => "Aangemaakt", "Created";

    // Dashboard
    DashboardTitle => "Dashboard {name}", "Dashboard {name}";
    QueryFormTitle => "Selectie", "Selection";
    QueryText => "Zoekvraag binnen de werkruimte", "Query within the workspace";
    QueryTextHelp => "Leeg voor alle bewaarde berichten. Dezelfde regels als bij monitors: zoeken naar personen wordt geweigerd.", "Empty for every stored post. The same rules as for monitors: searching for people is refused.";
    From => "Van (datum, UTC)", "From (date, UTC)";
    To => "Tot (datum, UTC)", "To (date, UTC)";
    Interval => "Interval", "Interval";
    IntervalDay => "per dag", "per day";
    IntervalHour => "per uur", "per hour";
    ShowButton => "Toon", "Show";
    QueryRefusedTitle => "Deze zoekvraag is geweigerd", "This query was refused";
    TotalsTitle => "Totaal", "Total";
    TotalPosts => "Berichten in de selectie", "Posts in the selection";
    AuthorsAtLeast => "Verschillende auteurs (minstens)", "Distinct authors (at least)";
    AllSuppressed => "Minder dan k auteurs in deze selectie: alle cijfers zijn onderdrukt.", "Fewer than k authors in this selection: every figure is suppressed.";
    NoPosts => "Geen berichten in deze selectie.", "No posts in this selection.";
    VolumeTitle => "Volume door de tijd", "Volume over time";
    SentimentTitle => "Sentiment", "Sentiment";
    SentimentSeriesTitle => "Sentiment door de tijd", "Sentiment over time";
    LanguagesTitle => "Talen", "Languages";
    SourcesTitle => "Bronnen", "Sources";
    TermsTitle => "Meest gebruikte termen", "Top terms";
    HashtagsTitle => "Hashtags", "Hashtags";
    BigramsTitle => "Woordparen", "Bigrams";
    TermsSuppressed => "{count} niet genoemd omdat ze van minder dan k auteurs komen.", "{count} not named because they come from fewer than k authors.";
    NoneAboveK => "Geen die de k-drempel halen.", "None pass the k threshold.";
    ColTerm => "Term", "Term";
    ColLanguage => "Taal", "Language";
    ColSource => "Bron", "Source";
    ColSentiment => "Sentiment", "Sentiment";
    SentimentNegative => "negatief", "negative";
    SentimentNeutral => "neutraal", "neutral";
    SentimentPositive => "positief", "positive";
    KExplanation => "<k betekent: minder dan k = {k} verschillende auteurs. Zo'n cel wordt nooit als getal getoond, zodat niemand is te herleiden.", "<k means: fewer than k = {k} distinct authors. Such a cell is never shown as a number, so that no one can be singled out.";
    CaveatTitle => "Kanttekeningen", "Caveats";
    CaveatSources => "Bronnen", "Sources";
    CaveatPosts => "Berichten in selectie", "Posts in selection";
    CaveatSuppressed => "Onderdrukte cellen (minder dan k auteurs)", "Suppressed cells (fewer than k authors)";
    CaveatSentiment => "Nauwkeurigheid sentiment", "Sentiment accuracy";
    CaveatRepresentativeness => "Representativiteit", "Representativeness";
    TimesUtc => "Alle tijden in UTC.", "All times in UTC.";
    ExportTitle => "Exporteren", "Export";
    ExportCsv => "Download als CSV", "Download as CSV";
    ExportPrint => "Afdrukbaar rapport (HTML, als PDF op te slaan)", "Printable report (HTML, can be saved as PDF)";
    ExampleQuotesTitle => "Voorbeeldcitaten (geanonimiseerd)", "Example quotes (de-identified)";
    ExampleQuotesNote => "Enkele geanonimiseerde citaten ter illustratie; namen, accounts en contactgegevens zijn vervangen.", "A few de-identified quotes as illustration; names, accounts and contact details are replaced.";
    DifferencingTitle => "Dit antwoord wordt niet getoond", "This answer is withheld";
    QueryShown => "Zoekvraag", "Query";
    AllPosts => "alle bewaarde berichten", "all stored posts";
    Period => "Periode", "Period";
    Burst => "Piek", "Burst";
    BurstMarked => "piek", "burst";

    // Signals and representativeness
    SignalsWithheld => "Niet beschikbaar: deze selectie toont geen cijfers.", "Not available: this selection shows no figures.";
    RisingTitle => "Stijgende termen", "Rising terms";
    RisingIntro => "Termen, hashtags en woordparen die in deze periode duidelijk vaker voorkomen dan in de periode van gelijke lengte ervoor (log-likelihood-toets). Alleen de significantie wordt getoond, niet het aantal in de periode ervoor.", "Terms, hashtags and word pairs that occur clearly more often in this period than in the period of equal length before it (log-likelihood test). Only the significance is shown, not the count in the period before.";
    RisingBaseline => "Vergeleken met de periode ervoor: {from} – {to} UTC.", "Compared with the period before: {from} – {to} UTC.";
    RisingNoWindow => "Niet berekend. Kies een begin- en einddatum om te vergelijken met de periode ervoor.", "Not computed. Choose a start and an end date to compare with the period before.";
    RisingBaselineTooSmall => "Niet berekend. De periode ervoor heeft te weinig berichten (minder dan k = {k} auteurs) om mee te vergelijken.", "Not computed. The period before has too few posts (fewer than k = {k} authors) to compare with.";
    RisingWords => "Termen", "Terms";
    RisingWordsCaption => "Stijgende termen", "Rising terms";
    RisingHashtagsCaption => "Stijgende hashtags", "Rising hashtags";
    RisingBigramsCaption => "Stijgende woordparen", "Rising word pairs";
    ColSignificance => "Significantie", "Significance";
    RisingNone => "Geen significante stijging.", "No significant rise.";
    RisingSignificanceNote => "p<0.001: zo'n stijging komt bij toeval minder dan 1 op de 1.000 keer voor; p<0.0001: minder dan 1 op de 10.000 keer. Omdat veel termen tegelijk worden getoetst, kan een enkele p<0.001 toch toeval zijn.", "p<0.001: such a rise happens by chance less than once in 1,000 times; p<0.0001: less than once in 10,000 times. Because many terms are tested at once, a single p<0.001 may still be chance.";
    BurstsTitle => "Pieken", "Bursts";
    BurstsIntro => "Uren waarin het aantal berichten sterk boven het gewone niveau van de 24 uur ervoor lag (de mediaan plus drie keer de spreiding, en minstens het dubbele). Een uur wordt pas beoordeeld met minstens 6 uur gegevens ervoor; uren met minder dan k auteurs tellen als 0. De pieken zijn ook in de grafiek gemarkeerd.", "Hours in which the number of posts rose far above the usual level of the 24 hours before (the median plus three times the spread, and at least double). An hour is judged only with at least 6 hours of data before it; hours with fewer than k authors count as 0. The bursts are also marked in the chart.";
    BurstsCaption => "Pieken in het aantal berichten per uur", "Bursts in the number of posts per hour";
    ColBurstStart => "Van", "From";
    ColBurstPeak => "Hoogste uur", "Peak hour";
    ColBurstEnd => "Tot", "Until";
    ColBurstPeakPosts => "Berichten in het hoogste uur", "Posts in the peak hour";
    BurstsNone => "Geen pieken gevonden.", "No bursts found.";
    BurstsDailyNote => "Het aantal berichten in het hoogste uur staat alleen in een overzicht per uur.", "The number of posts in the peak hour is shown only in an hourly view.";
    ClustersTitle => "Samenhangende termen", "Related terms";
    ClustersIntro => "Groepen van genoemde termen en hashtags die vaak samen in dezelfde berichten staan (samen van minstens k auteurs). Samen voorkomen zegt niets over oorzaak of mening.", "Groups of named terms and hashtags that often appear in the same posts (together from at least k authors). Appearing together says nothing about cause or opinion.";
    ClustersNone => "Geen groepen gevonden.", "No groups found.";
    RepTitle => "Representativiteit", "Representativeness";
    RepIntro => "Hoe scheef de berichten achter deze cijfers kunnen zijn. Sociale media zijn niet representatief voor de bevolking: weinig mensen schrijven veel, en platforms kiezen wat zichtbaar is.", "How skewed the posts behind these figures may be. Social media are not representative of the population: few people write a lot, and platforms choose what is visible.";
    RepSources => "Bronnen (aandeel berichten)", "Sources (share of posts)";
    RepLanguages => "Talen (aandeel berichten)", "Languages (share of posts)";
    RepReposts => "Aandeel reposts (doorgestuurde berichten)", "Share of reposts (boosts)";
    RepRepostsNote => "Mastodon-boosts en geïmporteerde retweets; reposts op Bluesky bevatten geen tekst en worden niet gelezen.", "Mastodon boosts and imported retweets; Bluesky reposts carry no text and are not read.";
    RepHighFrequency => "Aandeel berichten van zeer actieve auteurs (≥ {threshold} berichten per dag)", "Share of posts from very active authors (≥ {threshold} posts per day)";
    RepHighFrequencyNote => "Zeer actieve auteurs worden alleen geteld, nooit genoemd.", "Very active authors are only counted, never named.";
    RepShareSuppressed => "<k: dit aandeel wordt niet getoond, omdat de groep of de rest van minder dan k = {k} auteurs komt.", "<k: this share is withheld because the group or the rest comes from fewer than k = {k} authors.";
    RepCoverageCaption => "Uren zonder gegevens per bron", "Hours without data per source";
    ColHoursInWindow => "Uren in de periode", "Hours in the window";
    ColHoursWithoutData => "Uren zonder gegevens", "Hours without data";
    RepCoverageNote => "Een uur zonder gegevens: Peil las in dat uur niets van deze bron voor deze werkruimte (een storing, een limiet of geen enkel bericht). Cijfers over zulke uren kunnen te laag zijn.", "An hour without data: Peil read nothing from this source for this workspace in that hour (an outage, a rate limit or no post at all). Figures for such hours may be too low.";
    RepCoverageNone => "Geen bronnen in deze periode.", "No sources in this window.";

    // Charts
    ChartVolumeTitle => "Aantal berichten per periode", "Number of posts per period";
    ChartVolumeSummary => "{periods} perioden. Laagste zichtbare waarde {min}, hoogste {max} (piek op {peak}).", "{periods} periods. Lowest visible value {min}, highest {max} (peak at {peak}).";
    ChartSuppressedSummary => "{count} perioden onderdrukt (minder dan k auteurs), gearceerd en gemarkeerd met <k.", "{count} periods suppressed (fewer than k authors), hatched and marked <k.";
    ChartBurstSummary => "Pieken gemarkeerd: {bursts}.", "Bursts marked: {bursts}.";
    ChartNoData => "Geen gegevens om te tonen.", "No data to show.";
    ChartAllSuppressed => "Alle perioden zijn onderdrukt (minder dan k auteurs).", "Every period is suppressed (fewer than k authors).";
    AxisPosts => "Berichten", "Posts";
    AxisTime => "Tijd (UTC)", "Time (UTC)";
    ChartVolumeTable => "Berichten per periode (gegevens bij de grafiek)", "Posts per period (data of the chart)";
    ChartSentimentTitle => "Aandeel sentiment", "Sentiment shares";
    ChartSentimentSummary => "Aandelen per periode: {shares}.", "Shares per period: {shares}.";
    ChartSentimentTable => "Aandeel sentiment (gegevens bij de grafiek)", "Sentiment shares (data of the chart)";
    ChartSentimentSeriesTitle => "Aandeel sentiment per periode", "Sentiment shares per period";
    ChartSentimentSeriesTable => "Sentiment per periode: berichten en aandeel (gegevens bij de grafiek)", "Sentiment per period: posts and share (data of the chart)";
    ChartSentimentSeriesSuppressed => "Onderdrukte cellen (minder dan k auteurs, of de reeks zou een onderdrukte cel verraden): {count}.", "Suppressed cells (fewer than k authors, or the series would give away a suppressed cell): {count}.";
    CsvSentimentSeriesColumns => "sentiment_series: sleutel = begin van de periode/klasse, aandeel = deel van de berichten van die periode; <k = onderdrukt.", "sentiment_series: key = start of the period/class, share = part of that period's posts; <k = suppressed.";
    ChartRest => "onderdrukt samen", "suppressed together";
    ChartLegend => "Legenda", "Legend";
    SelectionWhole => "hele selectie", "whole selection";

    // Export
    ReportTitle => "Rapport {name}", "Report {name}";
    ReportOrganisation => "Organisatie", "Organisation";
    ReportWorkspace => "Werkruimte", "Workspace";
    ReportPurpose => "Doel", "Purpose";
    ReportWindow => "Periode", "Window";
    ReportPrintHint => "Kies Afdrukken in uw browser om dit rapport als PDF op te slaan.", "Choose Print in your browser to save this report as PDF.";
    ReportOpenEnded => "open", "open";
    CsvSection => "onderdeel", "section";
    CsvKey => "sleutel", "key";
    CsvPosts => "berichten", "posts";
    CsvShare => "aandeel", "share";
    CsvSuppressedTerms => "niet_genoemd", "not_named";
    CsvRisingBaseline => "Stijgende termen vergeleken met {from} – {to}", "Rising terms compared with {from} – {to}";
    CsvRisingColumns => "rising_term, rising_hashtag, rising_bigram: vierde kolom = significantie (p<0.001 of p<0.0001), niet een aandeel", "rising_term, rising_hashtag, rising_bigram: fourth column = significance (p<0.001 or p<0.0001), not a share";
    CsvBurstColumns => "burst: sleutel = van/tot (ISO 8601, tot niet inbegrepen), berichten = in het hoogste uur (alleen per uur), vierde kolom = hoogste uur", "burst: key = from/until (ISO 8601, until excluded), posts = in the peak hour (hourly only), fourth column = peak hour";
    CsvClusterColumns => "cluster_N: de termen van groep N (samenhangende termen)", "cluster_N: the terms of group N (related terms)";
    CsvRepresentativenessColumns => "repost_share, high_frequency_share: vierde kolom = aandeel in hele procenten als fractie, <k = niet getoond; hours_without_data: berichten-kolom = aantal uren, vierde kolom = aandeel van de uren in de periode", "repost_share, high_frequency_share: fourth column = share in whole percent as a fraction, <k = withheld; hours_without_data: posts column = number of hours, fourth column = share of the hours in the window";

    // FG
    FgTitle => "Console functionaris gegevensbescherming", "Data protection officer console";
    FgIntro => "Toezicht op alle verwerkingen van de organisatie. U kunt goedkeuren en controleren, geen gegevens wijzigen.", "Oversight of every processing activity of the organisation. You can approve and verify, not change data.";
    PendingTitle => "Werkruimtes die op goedkeuring wachten", "Workspaces awaiting approval";
    NoPending => "Er wachten geen werkruimtes op goedkeuring.", "No workspaces are awaiting approval.";
    ApproveWhy => "Motivering van de goedkeuring", "Reason for the approval";
    ApproveWhyHelp => "Wordt vastgelegd bij de goedkeuring.", "Recorded with the approval.";
    ApproveButton => "Goedkeuren", "Approve";
    ApproveLegend => "Goedkeuren: {name}", "Approve: {name}";
    DocumentsTitle => "Gegenereerde documenten", "Generated documents";
    DocDpia => "DPIA (concept, Model DPIA Rijksdienst)", "DPIA (draft, Model DPIA Rijksdienst)";
    DocRegister => "Verwerkingsregister (art. 30 AVG)", "Processing register (GDPR art. 30)";
    DocAlgorithm => "Algoritmeregister", "Algorithm register";
    DocTransparency => "Transparantiepagina", "Transparency page";
    AuditTitle => "Auditlog", "Audit log";
    AuditIntro => "Elke inlog, zoekvraag, weergave, export en wijziging, manipulatiebestendig vastgelegd (Merkle-boom, ondertekende controlepunten).", "Every login, query, view, export and change, recorded tamper-evidently (Merkle tree, signed checkpoints).";
    AuditVerifyButton => "Log controleren", "Verify log";
    AuditValid => "Het auditlog is gecontroleerd en klopt: {verified} van {entries} regels bewezen opgenomen, {checkpoints} ondertekende controlepunten.", "The audit log was verified and is intact: {verified} of {entries} entries proven included, {checkpoints} signed checkpoints.";
    AuditInvalid => "Het auditlog klopt niet: {count} problemen gevonden.", "The audit log is not intact: {count} problems found.";
    AuditNotVerified => "Het log is op deze pagina niet gecontroleerd.", "The log was not verified on this page.";
    AuditCaption => "Auditregels, nieuwste eerst", "Audit entries, newest first";
    NoAuditEntries => "Het auditlog is leeg.", "The audit log is empty.";
    AuditNewer => "Nieuwere regels", "Newer entries";
    AuditOlder => "Oudere regels", "Older entries";
    AuditPagination => "Pagina's van het auditlog", "Pages of the audit log";
    ColIndex => "Nr.", "No.";
    ColTime => "Tijd (UTC)", "Time (UTC)";
    ColAction => "Handeling", "Action";
    ColObject => "Object", "Object";
    ColResult => "Resultaat", "Result";
    ColActor => "Actor", "Actor";
    ColOrigin => "Kanaal", "Channel";
    ColDetail => "Detail", "Detail";
    ColProblemFile => "Bestand", "File";
    ColProblemLine => "Regel", "Line";
    ColProblem => "Probleem", "Problem";
    ProblemsCaption => "Gevonden problemen", "Problems found";
    SubjectTitle => "Verzoeken van betrokkenen", "Data-subject requests";
    SubjectIntro => "Zoek op welke werkruimtes berichten van een persoon bewaren (inzage, art. 15 AVG), als voorbereiding op verwijdering (art. 17) of bezwaar (art. 21). De handle wordt alleen gebruikt om te tellen, niet opgeslagen, niet gelogd en niet getoond.", "Look up which workspaces hold posts of a person (access, GDPR art. 15), to prepare erasure (art. 17) or objection (art. 21). The handle is used only to count; it is not stored, not logged and not shown.";
    Platform => "Platform", "Platform";
    PlatformHelp => "Bijvoorbeeld mastodon of bluesky.", "For example mastodon or bluesky.";
    Handle => "Handle of auteur-id van de betrokkene", "Handle or author id of the data subject";
    HandleHelp => "Zoals de betrokkene die opgaf. Wordt na het verzoek niet getoond.", "As the data subject gave it. It is not shown after the request.";
    LookUp => "Opzoeken", "Look up";
    SubjectResultCaption => "Bewaarde berichten van de betrokkene per werkruimte", "Stored posts of the data subject per workspace";
    SubjectNone => "Geen enkele werkruimte bewaart berichten van deze betrokkene.", "No workspace holds posts of this data subject.";
    ColWorkspace => "Werkruimte", "Workspace";
    ColLiveKeys => "Doorzochte sleutelperioden", "Key periods searched";

    // Webcare inbox
    WebcareIntro => "Berichten aan de eigen accounts van de organisatie, nieuwste eerst, zonder namen, handles of profiellinks van de afzenders. Alleen de webcare-rol ziet deze pagina en de links om te beantwoorden; elke weergave en elke afhandeling komt in het auditlog. Een bericht en zijn link verdwijnen met de korte bewaartermijn van de werkruimte.", "Messages addressed to the organisation's own accounts, newest first, without names, handles or profile links of the senders. Only the webcare role sees this page and the links to answer; every view and every change is recorded in the audit log. A message and its link are deleted with the workspace's short retention.";
    WebcareWorkspaces => "Webcare-werkruimtes", "Webcare workspaces";
    WebcareNoWorkspace => "Uw organisatie heeft geen webcare-werkruimte.", "Your organisation has no webcare workspace.";
    WebcareMessagesTitle => "Berichten in {name}", "Messages in {name}";
    WebcareCounts => "{open} open van {total} berichten.", "{open} open of {total} messages.";
    WebcareEmpty => "Er zijn geen berichten.", "There are no messages.";
    WebcareOpenToAnswer => "Open om te beantwoorden", "Open to answer";
    WebcareWhy => "Reden (komt in het auditlog)", "Why (recorded in the audit log)";
    WebcareMarkAnswered => "Markeer als beantwoord", "Mark answered";
    WebcareMarkClosed => "Sluiten", "Close";
    WebcareStatusOpen => "open", "open";
    WebcareStatusAnswered => "beantwoord", "answered";
    WebcareStatusClosed => "gesloten", "closed";
    WebcareHandledAt => "Afgehandeld (UTC)", "Handled (UTC)";
    WebcareMarked => "Het bericht is bijgewerkt.", "The message was updated.";
    WebcarePages => "Pagina's", "Pages";
    WebcarePrevious => "Vorige pagina", "Previous page";
    WebcareNext => "Volgende pagina", "Next page";

    // Errors
    Error400Title => "Dit verzoek klopt niet", "This request is not valid";
    Error400Text => "Controleer de invoer en probeer het opnieuw.", "Check what you entered and try again.";
    Error403Title => "Geen toegang", "No access";
    Error403Text => "Uw rol geeft geen toegang tot deze pagina. Neem contact op met de beheerder als u denkt dat dit niet klopt.", "Your role does not give access to this page. Contact your administrator if you think this is wrong.";
    Error404Title => "Pagina niet gevonden", "Page not found";
    Error404Text => "Deze pagina bestaat niet, of u heeft er geen toegang toe.", "This page does not exist, or you have no access to it.";
    Error500Title => "Er ging iets mis", "Something went wrong";
    Error500Text => "Er ging aan onze kant iets mis. Uw gegevens zijn niet gewijzigd. Probeer het later opnieuw.", "Something went wrong on our side. Your data were not changed. Please try again later.";
    ErrorCode_ => "Foutcode", "Error code";
    BackHome => "Naar de startpagina", "To the start page";

    // Transparency
    TransparencyTitle => "Transparantie", "Transparency";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_text_in_both_languages() {
        for key in Key::ALL {
            assert!(!text(Language::Nl, *key).is_empty(), "{key:?}");
            assert!(!text(Language::En, *key).is_empty(), "{key:?}");
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(fill("{a} en {b}", &[("a", "1"), ("b", "<2>")]), "1 en <2>");
    }
}
