using System.Collections.Frozen;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace DicomWeb.Dicom;

/// <summary>
/// The DICOM data dictionary (PS3.6 Section 6 and PS3.7 Annex E): names, keywords, VRs and VMs of the standard's
/// attributes, retired ones included, and the repeating-group attributes (50xx, 60xx, 7Fxx, ...).
/// The table is generated (see tools/dictionary); lookups use frozen hash tables built once.
/// </summary>
public static partial class DicomDictionary
{
    private static readonly ReadOnlyCollection<DicomVR> s_ul = Array.AsReadOnly([DicomVR.UL]);
    private static readonly ReadOnlyCollection<DicomVR> s_lo = Array.AsReadOnly([DicomVR.LO]);

    /// <summary>Stands for every group length element (gggg,0000) the table does not name.</summary>
    private static readonly DicomDictionaryEntry s_groupLength =
        new(new DicomTag(0), 0x0000FFFF, "GroupLength", "Group Length", s_ul, "1", false);

    private static readonly FrozenDictionary<uint, DicomDictionaryEntry> s_exact;
    private static readonly MaskTable[] s_maskTables;
    private static readonly FrozenDictionary<string, DicomTag> s_keywords;
    private static readonly FrozenDictionary<string, DicomTag>.AlternateLookup<ReadOnlySpan<char>> s_keywordSpans;
    private static readonly ReadOnlyCollection<DicomDictionaryEntry> s_entries;

    private sealed record MaskTable(uint Mask, FrozenDictionary<uint, DicomDictionaryEntry> Entries);

#pragma warning disable CA1810 // several tables come out of one parse of the generated text.
    static DicomDictionary()
#pragma warning restore CA1810
    {
        var entries = new List<DicomDictionaryEntry>(5200);
        var exact = new Dictionary<uint, DicomDictionaryEntry>(5200);
        var byMask = new Dictionary<uint, Dictionary<uint, DicomDictionaryEntry>>();
        var keywords = new Dictionary<string, DicomTag>(5200, StringComparer.Ordinal);
        var vrLists = new Dictionary<string, ReadOnlyCollection<DicomVR>>(StringComparer.Ordinal);
        var vrLookup = vrLists.GetAlternateLookup<ReadOnlySpan<char>>();
        var vms = new Dictionary<string, string>(StringComparer.Ordinal);
        var vmLookup = vms.GetAlternateLookup<ReadOnlySpan<char>>();

        foreach (var line in EntryTable.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty) continue;
            var rest = line;
            var tagText = NextField(ref rest);
            var vrText = NextField(ref rest);
            var vmText = NextField(ref rest);
            var retiredText = NextField(ref rest);
            var keyword = NextField(ref rest);
            var name = rest;
            ParseMaskedTag(tagText, out var value, out var mask);

            if (!vrLookup.TryGetValue(vrText, out var vrs))
            {
                vrs = ParseVRs(vrText);
                vrLookup[vrText] = vrs;
            }
            if (!vmLookup.TryGetValue(vmText, out var vm))
            {
                vm = vmText.ToString();
                vmLookup[vmText] = vm;
            }

            var entry = new DicomDictionaryEntry(new DicomTag(value), mask, keyword.IsEmpty ? string.Empty : keyword.ToString(),
                name.ToString(), vrs, vm, retiredText.Length != 0);
            entries.Add(entry);
            if (mask == DicomDictionaryEntry.ExactMask)
            {
                exact.Add(value, entry);
                if (entry.Keyword.Length != 0) keywords.Add(entry.Keyword, entry.Tag);
            }
            else
            {
                if (!byMask.TryGetValue(mask, out var table)) byMask[mask] = table = [];
                table.Add(value, entry);
            }
        }

        // A repeating entry is found by keyword at its lowest tag, e.g. OverlayData -> (6000,3000), unless that tag
        // means something else: (0028,0400) is Transform Label, not 0028,04x0; (1000,0000) is a group length.
        foreach (var entry in entries)
        {
            if (entry.IsRepeating && entry.Keyword.Length != 0 && entry.Tag.Element != 0 && !exact.ContainsKey(entry.Tag.Value))
                keywords.Add(entry.Keyword, entry.Tag);
        }

        s_exact = exact.ToFrozenDictionary();
        var maskTables = new MaskTable[byMask.Count];
        var i = 0;
        foreach (var (mask, table) in byMask) maskTables[i++] = new MaskTable(mask, table.ToFrozenDictionary());
        // Most specific masks first, so a narrower pattern wins over a wider one.
        Array.Sort(maskTables, static (a, b) => BitOperations.PopCount(b.Mask).CompareTo(BitOperations.PopCount(a.Mask)));
        s_maskTables = maskTables;
        s_keywords = keywords.ToFrozenDictionary(StringComparer.Ordinal);
        s_keywordSpans = s_keywords.GetAlternateLookup<ReadOnlySpan<char>>();
        s_entries = entries.AsReadOnly();
    }

    /// <summary>Every entry of the generated table: the exact tags, then the repeating-group entries.</summary>
    public static IReadOnlyCollection<DicomDictionaryEntry> Entries => s_entries;

    /// <summary>
    /// Finds the dictionary entry for a tag: an exact entry first, then a repeating-group entry (50xx, 60xx, 7Fxx, 1000xxx0, ...).
    /// Group length elements (gggg,0000) the table does not name give a UL "GroupLength" entry, and private creator
    /// elements (odd group, element 0010-00FF) a LO "PrivateCreator" entry. Other private tags are not found.
    /// </summary>
    public static bool TryGetEntry(DicomTag tag, [MaybeNullWhen(false)] out DicomDictionaryEntry entry)
    {
        if (s_exact.TryGetValue(tag.Value, out entry)) return true;
        if (tag.Group == 0xFFFE) return false;
        if (tag.Element == 0)
        {
            entry = s_groupLength;
            return true;
        }
        if (tag.IsPrivate)
        {
            if (!tag.IsPrivateCreator) return false;
            entry = new DicomDictionaryEntry(tag, DicomDictionaryEntry.ExactMask, "PrivateCreator", "Private Creator", s_lo, "1", false);
            return true;
        }
        return TryGetRepeating(tag, out entry);
    }

    /// <summary>
    /// Finds the tag for a keyword (case-sensitive, as in PS3.6). A repeating attribute gives its lowest tag, e.g.
    /// OverlayData gives (6000,3000), when that tag is one of its own; otherwise its keyword is not found.
    /// </summary>
    public static bool TryGetTag(string keyword, out DicomTag tag)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        return s_keywords.TryGetValue(keyword, out tag);
    }

    /// <summary>Finds the tag for a keyword without allocating; see <see cref="TryGetTag(string, out DicomTag)"/>.</summary>
    public static bool TryGetTag(ReadOnlySpan<char> keyword, out DicomTag tag) => s_keywordSpans.TryGetValue(keyword, out tag);

    /// <summary>
    /// The VR to use when none is encoded: the entry's first VR; UL for group lengths; LO for private creators;
    /// UN for private data elements and unknown tags; <see cref="DicomVR.None"/> for items and delimiters (FFFE,xxxx).
    /// </summary>
    public static DicomVR GetDefaultVR(DicomTag tag)
    {
        if (s_exact.TryGetValue(tag.Value, out var entry)) return entry.DefaultVR;
        if (tag.Group == 0xFFFE) return DicomVR.None;
        if (tag.Element == 0) return DicomVR.UL;
        if (tag.IsPrivate) return tag.IsPrivateCreator ? DicomVR.LO : DicomVR.UN;
        return TryGetRepeating(tag, out entry) ? entry.DefaultVR : DicomVR.UN;
    }

    /// <summary>The keyword of a tag, or null when the tag is unknown or has no keyword.</summary>
    public static string? GetKeyword(DicomTag tag) =>
        TryGetEntry(tag, out var entry) && entry.Keyword.Length != 0 ? entry.Keyword : null;

    private static bool TryGetRepeating(DicomTag tag, [MaybeNullWhen(false)] out DicomDictionaryEntry entry)
    {
        var tables = s_maskTables;
        for (var i = 0; i < tables.Length; i++)
        {
            if (tables[i].Entries.TryGetValue(tag.Value & tables[i].Mask, out entry)) return true;
        }
        entry = null;
        return false;
    }

    private static ReadOnlySpan<char> NextField(ref ReadOnlySpan<char> rest)
    {
        var bar = rest.IndexOf('|');
        if (bar < 0) throw new InvalidOperationException("Malformed generated dictionary line.");
        var field = rest[..bar];
        rest = rest[(bar + 1)..];
        return field;
    }

    private static void ParseMaskedTag(ReadOnlySpan<char> text, out uint value, out uint mask)
    {
        if (text.Length != 8) throw new InvalidOperationException($"Malformed generated dictionary tag '{text}'.");
        value = 0;
        mask = 0;
        for (var i = 0; i < 8; i++)
        {
            var shift = 28 - (4 * i);
            var c = text[i];
            if (c == 'x') continue;
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => throw new InvalidOperationException($"Malformed generated dictionary tag '{text}'."),
            };
            value |= (uint)digit << shift;
            mask |= 0xFu << shift;
        }
    }

    private static ReadOnlyCollection<DicomVR> ParseVRs(ReadOnlySpan<char> text)
    {
        if (text.SequenceEqual("NONE")) return Array.AsReadOnly([DicomVR.None]);
        var list = new List<DicomVR>(2);
        foreach (var range in text.Split('/'))
        {
            if (!DicomVRInfo.TryParse(text[range], out var vr))
                throw new InvalidOperationException($"Unknown VR '{text[range]}' in the generated dictionary.");
            list.Add(vr);
        }
        return list.AsReadOnly();
    }
}
