#!/usr/bin/env python3
"""Generate the DICOM data dictionary, UID registry and keyword constants for DicomWeb.Dicom.

Source data: the tag and UID tables that pydicom ships (``pydicom/_dicom_dict.py`` and
``pydicom/_uid_dict.py``; Debian package python3-pydicom). Only those two data modules are
loaded, straight from their files, so pydicom itself (and numpy) need not be importable.

A small hand-maintained supplement below adds transfer syntaxes registered in PS3.6 after the
installed table was produced; entries already present in the source win.

Output (overwritten, deterministic order):
  src/DicomWeb.Dicom/Dictionary/DicomDictionary.Generated.cs  tag table (exact + repeating masks)
  src/DicomWeb.Dicom/Dictionary/DicomTags.Generated.cs        DicomTags.<Keyword> fields
  src/DicomWeb.Dicom/Dictionary/DicomUids.Generated.cs        UID registry table + DicomUids.<Keyword> constants

Usage: python3 tools/dictionary/generate_dictionary.py [--pydicom-dir DIR] [--check]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_DIR = os.path.join(REPO_ROOT, "src", "DicomWeb.Dicom", "Dictionary")

CANDIDATE_PYDICOM_DIRS = [
    "/usr/lib/python3/dist-packages/pydicom",
    "/usr/local/lib/python3/dist-packages/pydicom",
]

# Transfer syntaxes added to PS3.6 Table A-1 after older pydicom releases (e.g. Debian 12's 2.3.1).
# (uid, name, keyword, retired)
TRANSFER_SYNTAX_SUPPLEMENT = [
    ("1.2.840.10008.1.2.4.100.1", "Fragmentable MPEG2 Main Profile / Main Level", "MPEG2MPMLF", False),
    ("1.2.840.10008.1.2.4.101.1", "Fragmentable MPEG2 Main Profile / High Level", "MPEG2MPHLF", False),
    ("1.2.840.10008.1.2.4.102.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1", "MPEG4HP41F", False),
    ("1.2.840.10008.1.2.4.103.1", "Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", "MPEG4HP41BDF", False),
    ("1.2.840.10008.1.2.4.104.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", "MPEG4HP422DF", False),
    ("1.2.840.10008.1.2.4.105.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", "MPEG4HP423DF", False),
    ("1.2.840.10008.1.2.4.106.1", "Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", "MPEG4HP42STEREOF", False),
    ("1.2.840.10008.1.2.4.110", "JPEG XL Lossless", "JPEGXLLossless", False),
    ("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", "JPEGXLJPEGRecompression", False),
    ("1.2.840.10008.1.2.4.112", "JPEG XL", "JPEGXL", False),
    ("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", "HTJ2KLossless", False),
    ("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", "HTJ2KLosslessRPCL", False),
    ("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", "HTJ2K", False),
    ("1.2.840.10008.1.2.4.204", "JPIP HTJ2K Referenced", "JPIPHTJ2KReferenced", False),
    ("1.2.840.10008.1.2.4.205", "JPIP HTJ2K Referenced Deflate", "JPIPHTJ2KReferencedDeflate", False),
    ("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression", "DeflatedImageFrameCompression", False),
]

KNOWN_VRS = {
    "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV",
    "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV",
}

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TABLE_FIELD = re.compile(r"^[^|\r\n\"]*$")


def load_module(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_pydicom_dir(explicit: str | None) -> str:
    candidates = [explicit] if explicit else []
    if not explicit:
        found = importlib.util.find_spec("pydicom")
        if found is not None and found.submodule_search_locations:
            candidates.extend(found.submodule_search_locations)
        candidates.extend(CANDIDATE_PYDICOM_DIRS)
    for directory in candidates:
        if directory and os.path.isfile(os.path.join(directory, "_dicom_dict.py")):
            return directory
    raise SystemExit("pydicom data tables not found; install python3-pydicom or pass --pydicom-dir")


def parse_vrs(text: str, where: str) -> list[str]:
    if text == "NONE":
        return ["NONE"]
    vrs = [part.strip() for part in text.split(" or ")]
    for vr in vrs:
        if vr not in KNOWN_VRS:
            raise SystemExit(f"{where}: unknown VR {vr!r}")
    return vrs


def check_field(value: str, where: str) -> str:
    if not TABLE_FIELD.match(value) or not value.isascii():
        raise SystemExit(f"{where}: value {value!r} cannot be stored in the table")
    return value


def uid_sort_key(uid: str):
    return [int(part) for part in uid.split(".")]


def build_tag_lines(dicom_dict, repeaters):
    """Returns (table lines, [(keyword, group, element, name)] for DicomTags)."""
    lines = []
    fields = []
    seen_keywords = {}
    for tag in sorted(dicom_dict):
        vr, vm, name, retired, keyword = dicom_dict[tag]
        where = f"{tag:08X}"
        vrs = parse_vrs(vr, where)
        lines.append("|".join([
            f"{tag:08X}", "/".join(vrs), check_field(vm, where), "R" if retired else "",
            check_field(keyword, where), check_field(name, where)]))
        if keyword:
            if not IDENTIFIER.match(keyword):
                raise SystemExit(f"{where}: keyword {keyword!r} is not an identifier")
            if keyword in seen_keywords:
                raise SystemExit(f"{where}: keyword {keyword} also used by {seen_keywords[keyword]}")
            seen_keywords[keyword] = where
            fields.append((keyword, tag >> 16, tag & 0xFFFF, name, "/".join(vrs), vm, bool(retired)))
    for mask_text in sorted(repeaters):
        vr, vm, name, retired, keyword = repeaters[mask_text]
        where = mask_text
        if not re.match(r"^[0-9A-Fx]{8}$", mask_text) or "x" not in mask_text:
            raise SystemExit(f"{where}: not a repeating-group mask")
        if keyword in seen_keywords:
            raise SystemExit(f"{where}: keyword {keyword} also used by {seen_keywords[keyword]}")
        if keyword:
            seen_keywords[keyword] = where
        vrs = parse_vrs(vr, where)
        lines.append("|".join([
            mask_text, "/".join(vrs), check_field(vm, where), "R" if retired else "",
            check_field(keyword, where), check_field(name, where)]))
    return lines, fields


def build_uid_lines(uid_dict):
    merged = {}
    skipped = []
    for uid, (name, uid_type, _info, retired, keyword) in uid_dict.items():
        if not name and not keyword:
            skipped.append(uid)
            continue
        merged[uid] = (name, uid_type, bool(retired), keyword)
    added = []
    for uid, name, keyword, retired in TRANSFER_SYNTAX_SUPPLEMENT:
        if uid not in merged:
            merged[uid] = (name, "Transfer Syntax", retired, keyword)
            added.append(uid)
    lines = []
    constants = []
    seen_keywords = {}
    for uid in sorted(merged, key=uid_sort_key):
        name, uid_type, retired, keyword = merged[uid]
        if not re.match(r"^[0-9]+(\.[0-9]+)*$", uid):
            raise SystemExit(f"{uid}: not a UID")
        lines.append("|".join([uid, check_field(uid_type, uid), "R" if retired else "",
                               check_field(keyword, uid), check_field(name, uid)]))
        if keyword:
            if not IDENTIFIER.match(keyword):
                raise SystemExit(f"{uid}: keyword {keyword!r} is not an identifier")
            if keyword in seen_keywords:
                raise SystemExit(f"{uid}: keyword {keyword} also used by {seen_keywords[keyword]}")
            seen_keywords[keyword] = uid
            constants.append((keyword, uid, name, retired))
    return lines, constants, skipped, added


HEADER = """// <auto-generated>
// Generated by tools/dictionary/generate_dictionary.py from {source}.
// Do not edit by hand: change the generator and run it again (see tools/dictionary/README.md).
// </auto-generated>
"""


def raw_table(lines: list[str]) -> str:
    # A C# raw string literal: the closing quotes sit in column 0, so lines keep no indentation.
    return '"""\n' + "\n".join(lines) + '\n"""'


def write(path: str, text: str, check: bool) -> bool:
    if check:
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                same = handle.read() == text
        except FileNotFoundError:
            same = False
        if not same:
            print(f"out of date: {os.path.relpath(path, REPO_ROOT)}")
        return same
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print(f"wrote {os.path.relpath(path, REPO_ROOT)}")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pydicom-dir", help="directory holding _dicom_dict.py and _uid_dict.py")
    parser.add_argument("--check", action="store_true", help="only report whether the outputs are up to date")
    args = parser.parse_args()

    pydicom_dir = find_pydicom_dir(args.pydicom_dir)
    dict_module = load_module(os.path.join(pydicom_dir, "_dicom_dict.py"), "_dw_dicom_dict")
    uid_module = load_module(os.path.join(pydicom_dir, "_uid_dict.py"), "_dw_uid_dict")
    version = "unknown version"
    version_file = os.path.join(pydicom_dir, "_version.py")
    if os.path.isfile(version_file):
        match = re.search(r"__version__\s*[:=][^'\"]*['\"]([^'\"]+)['\"]", open(version_file, encoding="utf-8").read())
        if match:
            version = match.group(1)
    source = f"pydicom {version} data tables"

    tag_lines, tag_fields = build_tag_lines(dict_module.DicomDictionary, dict_module.RepeatersDictionary)
    uid_lines, uid_constants, skipped, added = build_uid_lines(uid_module.UID_dictionary)

    dictionary_cs = HEADER.format(source=source) + f"""
namespace DicomWeb.Dicom;

public static partial class DicomDictionary
{{
    // One line per entry: tag|VRs|VM|R if retired|Keyword|Name.
    // tag is eight hex digits, with 'x' for each digit that repeats (e.g. 60xx3000);
    // VRs are '/'-separated, the first is the default; NONE marks items and delimiters.
    private const string EntryTable = {raw_table(tag_lines)};
}}
"""

    tags_body = []
    for keyword, group, element, name, vrs, vm, retired in tag_fields:
        tags_body.append(f"    public static readonly DicomTag {keyword} = new(0x{group:04X}, 0x{element:04X});")
    tags_cs = HEADER.format(source=source) + """
// The field names are the standard's keywords; the name, VR and VM of each are in DicomDictionary.
// Repeating-group attributes (50xx, 60xx, 7Fxx, ...) are only in DicomDictionary.
#pragma warning disable CS1591 // one field per keyword: documenting ~5000 self-describing fields would double the file.

namespace DicomWeb.Dicom;

/// <summary>The tags of the DICOM data dictionary (PS3.6 and PS3.7), retired ones included, by keyword.</summary>
public static partial class DicomTags
{
""" + "\n".join(tags_body) + "\n}\n"

    uid_body = []
    for keyword, uid, name, retired in uid_constants:
        uid_body.append(f"    public const string {keyword} = \"{uid}\";")
    uids_cs = HEADER.format(source=source) + f"""
#pragma warning disable CS1591 // one constant per keyword; the names are in DicomUidRegistry.

namespace DicomWeb.Dicom;

public static partial class DicomUidRegistry
{{
    // One line per UID: uid|type|R if retired|Keyword|Name (PS3.6 Table A-1 and PS3.16 Annex A).
    private const string UidTable = {raw_table(uid_lines)};
}}

/// <summary>The UIDs of the DICOM registry (PS3.6 Annex A), retired ones included, by keyword.</summary>
public static partial class DicomUids
{{
""" + "\n".join(uid_body) + "\n}\n"

    ok = True
    ok &= write(os.path.join(OUT_DIR, "DicomDictionary.Generated.cs"), dictionary_cs, args.check)
    ok &= write(os.path.join(OUT_DIR, "DicomTags.Generated.cs"), tags_cs, args.check)
    ok &= write(os.path.join(OUT_DIR, "DicomUids.Generated.cs"), uids_cs, args.check)
    if not args.check:
        print(f"source: {pydicom_dir} ({source})")
        print(f"{len(tag_lines)} dictionary entries ({len(dict_module.RepeatersDictionary)} repeating), "
              f"{len(tag_fields)} DicomTags fields, {len(uid_lines)} UIDs, {len(uid_constants)} DicomUids constants")
        if added:
            print(f"transfer syntaxes added from the supplement: {', '.join(added)}")
        if skipped:
            print(f"UIDs skipped (no name or keyword): {', '.join(skipped)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
