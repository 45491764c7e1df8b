"""manage.py load_reference_data: write recovery/reference_data.py to the database, idempotently.

Rows are matched by their natural keys (code, country, instrument + code) and updated in place, so
running it twice gives the same rows with the same values, and foreign keys to them stay valid.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from recovery import reference_data
from recovery.models import (
    AssistanceMeasure,
    CountryAuthority,
    CountryProfile,
    CrimeCategory,
    InstrumentRequirement,
    LegalInstrument,
)


def _set_exactly(manager, wanted: set, counts: dict, *, is_new: bool) -> None:
    """Set a many-to-many to exactly `wanted` (pks); counts an update only for an existing row."""
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(wanted)
        counts["updated"] += 0 if is_new else 1


INSTRUMENT_FIELDS = (
    "kind",
    "short_name",
    "name_en",
    "name_ru",
    "name_kk",
    "open_to_all_states",
    "signed_on",
    "in_force_on",
    "ratification_reference",
    "scope_citation",
    "any_other_assistance",
    "any_other_assistance_citation",
    "offence_scope_citation",
    "value_based_confiscation",
    "requested_party_retains_proceeds",
    "court_decision_required",
    "bona_fide_third_parties_protected",
    "confiscation_citation",
    "translation_required_before_sending",
    "signed_letter_required_before_sending",
    "expected_response_days",
    "notes",
)
INSTRUMENT_FLAGS = (
    "open_to_all_states",
    "any_other_assistance",
    "translation_required_before_sending",
    "signed_letter_required_before_sending",
)
# Every field of a profile the data sets, with the value a row without it gets (so a field left out of
# the data is reset, not left as an earlier load or an edit made it).
PROFILE_FIELDS = {
    "central_authority": "",
    "languages": "",
    "letter_languages": "",
    "expected_response_days": None,
    "notes": "",
}


def _upsert(model, lookup: dict, values: dict, counts: dict):
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    obj._upsert_created = created
    if created:
        counts["created"] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        counts["updated"] += 1
    return obj


@transaction.atomic
def load_reference_data() -> dict:
    """Create or update every reference row; returns {"created": n, "updated": n, "kept": [...]}.

    A requirement no longer in the data is deleted (with the answers drafts gave it), unless a request
    already sent was checked against it: its answer must keep pointing at it; those are reported.
    """
    counts = {"created": 0, "updated": 0, "deleted": 0, "kept": []}

    measures = {}
    for row in reference_data.MEASURES:
        values = {k: v for k, v in row.items() if k != "code"}
        measures[row["code"]] = _upsert(AssistanceMeasure, {"code": row["code"]}, values, counts)

    categories = {}
    for row in reference_data.CRIME_CATEGORIES:
        values = {k: v for k, v in row.items() if k != "code"}
        categories[row["code"]] = _upsert(CrimeCategory, {"code": row["code"]}, values, counts)

    profiles = {}
    for row in reference_data.COUNTRY_PROFILES:
        unknown = set(row) - {"country", *PROFILE_FIELDS}
        if unknown:
            raise ValueError(f"{row['country']}: unknown profile fields {sorted(unknown)}")
        values = {name: row.get(name, default) for name, default in PROFILE_FIELDS.items()}
        profiles[row["country"]] = _upsert(CountryProfile, {"country": row["country"]}, values, counts)

    # Authorities are matched by (state, kind, name); those the office added by hand are kept.
    for row in reference_data.country_authorities(profiles):
        lookup = {"profile": profiles[row["country"]], "kind": row["kind"], "name": row["name"]}
        _upsert(CountryAuthority, lookup, {"notes": row["notes"]}, counts)

    for row in reference_data.legal_instruments():
        values = {name: row.get(name) for name in INSTRUMENT_FIELDS}
        for flag in INSTRUMENT_FLAGS:
            values[flag] = bool(values[flag])
        for text in (
            "short_name",
            "ratification_reference",
            "scope_citation",
            "confiscation_citation",
            "any_other_assistance_citation",
            "offence_scope_citation",
            "notes",
        ):
            values[text] = values[text] or ""
        instrument = _upsert(LegalInstrument, {"code": row["code"]}, values, counts)
        # Setting the scope of a new instrument is part of creating it, not an update.
        is_new = instrument._upsert_created

        wanted_measures = {measures[code].pk for code in row["measures"]}
        if set(instrument.measures.values_list("pk", flat=True)) != wanted_measures:
            instrument.measures.set(wanted_measures)
            counts["updated"] += 0 if is_new else 1
        wanted_countries = {profiles[code].pk for code in row["counterpart_countries"]}
        if set(instrument.counterpart_countries.values_list("pk", flat=True)) != wanted_countries:
            instrument.counterpart_countries.set(wanted_countries)
            counts["updated"] += 0 if is_new else 1
        wanted_offences = {categories[code].pk for code in row.get("offence_scope", [])}
        _set_exactly(instrument.offence_scope, wanted_offences, counts, is_new=is_new)

        wanted_codes = []
        for order, item in enumerate(row["requirements"], start=1):
            values = {
                "name_en": item["name_en"],
                "name_ru": item["name_ru"],
                "name_kk": item["name_kk"],
                "mandatory": item["mandatory"],
                "citation": item.get("citation", ""),
                "order": order * 10,
            }
            requirement = _upsert(
                InstrumentRequirement, {"instrument": instrument, "code": item["code"]}, values, counts
            )
            _set_exactly(
                requirement.measures,
                {measures[code].pk for code in item.get("measures", [])},
                counts,
                is_new=is_new or requirement._upsert_created,
            )
            wanted_codes.append(item["code"])
        stale = instrument.requirements.exclude(code__in=wanted_codes)
        for requirement in stale:
            if requirement.answers.exclude(request__status="draft").exists():
                counts["kept"].append(f"{instrument.code}/{requirement.code}")
            else:
                # A draft's checklist follows its instrument; it loses the item with it.
                requirement.answers.all().delete()
                requirement.delete()
                counts["deleted"] += 1
    return counts


class Command(BaseCommand):
    help = "Load (or refresh) the reference data: measures, crime categories, country profiles, legal instruments."

    def handle(self, *args, **options):
        counts = load_reference_data()
        self.stdout.write(
            self.style.SUCCESS(
                "Reference data: {created} created, {updated} updated, {deleted} deleted.".format(**counts)
            )
        )
        for key in counts["kept"]:
            self.stdout.write(
                self.style.WARNING(f"Kept {key}: no longer in the reference data, but request checklists answer it.")
            )
