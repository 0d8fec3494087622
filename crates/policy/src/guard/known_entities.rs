//! Names that read like a person's name but name a company, a brand, a charity, a building, a
//! feast or a figure of public history (`Albert Heijn`, `Jantje Beton`, `Zwarte Piet`, `Sint
//! Maarten`, `Anne Frank`): searching for them is searching for a topic. Words covered by one of
//! these names are left out of the person-name analysis.
//!
//! This list must never hold a living private person, and never a living office holder: those
//! are allowed only through an organisation's allow-list, with a justification the FG sees.

/// Lower-case word sequences, as written in a query.
const TOPIC_NAMES_THAT_LOOK_LIKE_PERSONS: &[&[&str]] = &[
    // shops, brands and companies named after their founders
    &["albert", "heijn"],
    &["jan", "linders"],
    &["dirk", "van", "den", "broek"],
    &["dirk", "vd", "broek"],
    &["max", "havelaar"],
    &["douwe", "egberts"],
    &["tony", "chocolonely"],
    &["van", "der", "valk"],
    &["van", "haren"],
    &["ronald", "mcdonald"],
    &["jan", "de", "rijk"],
    &["henk", "van", "der", "valk"],
    &["vincent", "van", "gogh"],
    // charities, foundations and events named after a figure
    &["jantje", "beton"],
    &["anne", "frank"],
    &["johan", "cruijff"],
    &["johan", "cruyff"],
    &["jeroen", "bosch"],
    &["hiëronymus", "bosch"],
    &["hieronymus", "bosch"],
    &["willem", "van", "oranje"],
    &["michiel", "de", "ruyter"],
    &["michiel", "de", "ruijter"],
    &["hugo", "de", "groot"],
    &["piet", "hein"],
    &["jan", "pieterszoon", "coen"],
    &["pim", "fortuyn"],
    &["anton", "philips"],
    &["frans", "hals"],
    &["jan", "steen"],
    &["rembrandt", "van", "rijn"],
    &["antoni", "van", "leeuwenhoek"],
    &["karel", "de", "grote"],
    &["thomas", "more"],
    &["johan", "de", "witt"],
    &["martin", "luther", "king"],
    &["nelson", "mandela"],
    &["jan", "pietersz", "coen"],
    &["pieter", "baan"],
    // feasts and figures of custom
    &["zwarte", "piet"],
    &["roetveeg", "piet"],
    &["sint", "maarten"],
    &["sint", "nicolaas"],
    &["sint", "jan"],
    &["sint", "juttemis"],
    &["sinte", "klaas"],
    &["kerstman"],
    &["klaas", "vaak"],
    &["jan", "modaal"],
    &["jan", "met", "de", "pet"],
    &["keti", "koti"],
];

/// Marks in `covered` every word (by index in `lower_words`) that belongs to a listed name.
pub(super) fn mark_topic_names(lower_words: &[&str], covered: &mut [bool]) {
    for start in 0..lower_words.len() {
        for name in TOPIC_NAMES_THAT_LOOK_LIKE_PERSONS {
            let Some(candidate) = lower_words.get(start..start + name.len()) else {
                continue;
            };
            let matches = candidate
                .iter()
                .zip(name.iter())
                .all(|(typed, listed)| typed.trim_end_matches('.') == *listed);
            if !matches {
                continue;
            }
            for flag in covered.iter_mut().skip(start).take(name.len()) {
                *flag = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_names_are_marked() {
        let words = ["albert", "heijn", "prijsstijging", "zwarte", "piet"];
        let mut covered = [false; 5];
        mark_topic_names(&words, &mut covered);
        assert_eq!(covered, [true, true, false, true, true]);
    }
}
