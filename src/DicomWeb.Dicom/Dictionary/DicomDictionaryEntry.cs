namespace DicomWeb.Dicom;

/// <summary>One attribute of the data dictionary (PS3.6 Section 6, PS3.7 Annex E), or one repeating-group attribute.</summary>
public sealed class DicomDictionaryEntry
{
    /// <summary>The mask of an entry that describes exactly one tag.</summary>
    public const uint ExactMask = 0xFFFFFFFF;

    /// <summary>Creates an entry.</summary>
    /// <param name="tag">The tag; for a repeating entry, the tag with every repeating digit zero (e.g. (6000,3000)).</param>
    /// <param name="mask">Bits of a tag that must equal <paramref name="tag"/>: <see cref="ExactMask"/>, or e.g. 0xFF00FFFF for 60xx.</param>
    /// <param name="keyword">The keyword, empty for the few retired attributes that have none.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="valueRepresentations">The permitted VRs, the default first; <see cref="DicomVR.None"/> alone for items and delimiters.</param>
    /// <param name="valueMultiplicity">The VM as the standard writes it, e.g. "1", "1-n", "2-2n".</param>
    /// <param name="isRetired">True when the attribute is retired.</param>
    public DicomDictionaryEntry(DicomTag tag, uint mask, string keyword, string name, IReadOnlyList<DicomVR> valueRepresentations,
        string valueMultiplicity, bool isRetired)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(valueRepresentations);
        ArgumentNullException.ThrowIfNull(valueMultiplicity);
        if (valueRepresentations.Count == 0) throw new ArgumentException("At least one VR is required.", nameof(valueRepresentations));
        if ((tag.Value & ~mask) != 0) throw new ArgumentException("The tag has bits set outside the mask.", nameof(tag));
        Tag = tag;
        Mask = mask;
        Keyword = keyword;
        Name = name;
        ValueRepresentations = valueRepresentations;
        DefaultVR = valueRepresentations[0];
        ValueMultiplicity = valueMultiplicity;
        IsRetired = isRetired;
    }

    /// <summary>The tag; for a repeating entry the tag with every repeating digit zero.</summary>
    public DicomTag Tag { get; }

    /// <summary>The bits of a tag that identify this entry: <see cref="ExactMask"/> for a single tag, 0xFF00FFFF for 60xx and so on.</summary>
    public uint Mask { get; }

    /// <summary>True for a repeating-group entry (a mask other than <see cref="ExactMask"/>).</summary>
    public bool IsRepeating => Mask != ExactMask;

    /// <summary>The keyword (PS3.6), empty when the standard gives none.</summary>
    public string Keyword { get; }

    /// <summary>The attribute name.</summary>
    public string Name { get; }

    /// <summary>The permitted VRs ("US or SS" gives two), the default first.</summary>
    public IReadOnlyList<DicomVR> ValueRepresentations { get; }

    /// <summary>The VR used when none is encoded (the first permitted VR).</summary>
    public DicomVR DefaultVR { get; }

    /// <summary>The value multiplicity as written in the standard, e.g. "1", "1-n", "2-2n".</summary>
    public string ValueMultiplicity { get; }

    /// <summary>True when the attribute is retired.</summary>
    public bool IsRetired { get; }

    /// <summary>True when <paramref name="tag"/> is described by this entry.</summary>
    public bool Matches(DicomTag tag) => (tag.Value & Mask) == Tag.Value;

    /// <summary>True when the value representation is one this entry permits.</summary>
    public bool Permits(DicomVR vr)
    {
        for (var i = 0; i < ValueRepresentations.Count; i++)
            if (ValueRepresentations[i] == vr) return true;
        return false;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (!IsRepeating) return $"{Tag} {Keyword}";
        Span<char> hex = stackalloc char[8];
        for (var i = 0; i < 8; i++)
        {
            var shift = 28 - (4 * i);
            hex[i] = ((Mask >> shift) & 0xF) == 0 ? 'x' : "0123456789ABCDEF"[(int)((Tag.Value >> shift) & 0xF)];
        }
        return $"({new string(hex[..4])},{new string(hex[4..])}) {Keyword}";
    }
}
