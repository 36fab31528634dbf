using System.Text;

namespace DicomWeb.Dicom;

/// <summary>
/// One component group of a PN value (PS3.5 §6.2.1): five '^'-separated components in the order family name,
/// given name, middle name, name prefix, name suffix. Components are never null; an omitted one is empty.
/// </summary>
public readonly struct DicomPersonNameGroup : IEquatable<DicomPersonNameGroup>
{
    private readonly string? _family, _given, _middle, _prefix, _suffix;

    /// <summary>A group from its components (null means empty).</summary>
    public DicomPersonNameGroup(string? familyName = null, string? givenName = null, string? middleName = null,
        string? namePrefix = null, string? nameSuffix = null)
    {
        _family = familyName;
        _given = givenName;
        _middle = middleName;
        _prefix = namePrefix;
        _suffix = nameSuffix;
    }

    /// <summary>Family name complex.</summary>
    public string FamilyName => _family ?? string.Empty;

    /// <summary>Given name complex.</summary>
    public string GivenName => _given ?? string.Empty;

    /// <summary>Middle name.</summary>
    public string MiddleName => _middle ?? string.Empty;

    /// <summary>Name prefix (e.g. "Rev.", "Dr.").</summary>
    public string NamePrefix => _prefix ?? string.Empty;

    /// <summary>Name suffix (e.g. "B.A. M.Div.", "Jr.").</summary>
    public string NameSuffix => _suffix ?? string.Empty;

    /// <summary>True when every component is empty.</summary>
    public bool IsEmpty => string.IsNullOrEmpty(_family) && string.IsNullOrEmpty(_given) && string.IsNullOrEmpty(_middle) &&
        string.IsNullOrEmpty(_prefix) && string.IsNullOrEmpty(_suffix);

    /// <summary>
    /// Parses one component group (no '=' or '\'); leading and trailing spaces of each component are dropped.
    /// False when there are more than five components or a delimiter that does not belong in a group.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomPersonNameGroup result)
    {
        result = default;
        if (text.IndexOfAny('=', '\\') >= 0) return false;
        Span<Range> ranges = stackalloc Range[6];
        var count = text.Split(ranges, '^');
        if (count > 5) return false;
        result = new DicomPersonNameGroup(Component(text, ranges, count, 0), Component(text, ranges, count, 1),
            Component(text, ranges, count, 2), Component(text, ranges, count, 3), Component(text, ranges, count, 4));
        return true;
    }

    private static string? Component(ReadOnlySpan<char> text, ReadOnlySpan<Range> ranges, int count, int index)
    {
        if (index >= count) return null;
        var trimmed = text[ranges[index]].Trim(' ');
        return trimmed.IsEmpty ? null : trimmed.ToString();
    }

    /// <summary>The group in PN form with trailing empty components removed, e.g. "Adams^John Robert Quincy^^Rev.^B.A. M.Div.".</summary>
    public override string ToString()
    {
        string[] parts = [FamilyName, GivenName, MiddleName, NamePrefix, NameSuffix];
        var count = parts.Length;
        while (count > 0 && parts[count - 1].Length == 0) count--;
        return string.Join('^', parts, 0, count);
    }

    /// <summary>
    /// The name for display: "Prefix Given Middle Family, Suffix" (e.g. "Rev. John Robert Quincy Adams, B.A. M.Div."),
    /// or with <paramref name="familyNameFirst"/> "Prefix Family Given Middle, Suffix" (e.g. "山田 太郎").
    /// Empty components are skipped.
    /// </summary>
    public string ToDisplayString(bool familyNameFirst = false)
    {
        var builder = new StringBuilder();
        void Add(string part)
        {
            if (part.Length == 0) return;
            if (builder.Length > 0) builder.Append(' ');
            builder.Append(part);
        }
        Add(NamePrefix);
        if (familyNameFirst) Add(FamilyName);
        Add(GivenName);
        Add(MiddleName);
        if (!familyNameFirst) Add(FamilyName);
        if (NameSuffix.Length > 0)
        {
            if (builder.Length > 0) builder.Append(", ");
            builder.Append(NameSuffix);
        }
        return builder.ToString();
    }

    /// <inheritdoc />
    public bool Equals(DicomPersonNameGroup other) =>
        FamilyName == other.FamilyName && GivenName == other.GivenName && MiddleName == other.MiddleName &&
        NamePrefix == other.NamePrefix && NameSuffix == other.NameSuffix;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomPersonNameGroup other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(FamilyName, GivenName, MiddleName, NamePrefix, NameSuffix);

    /// <summary>Equality.</summary>
    public static bool operator ==(DicomPersonNameGroup left, DicomPersonNameGroup right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomPersonNameGroup left, DicomPersonNameGroup right) => !left.Equals(right);
}

/// <summary>
/// A PN value (PS3.5 §6.2.1): up to three '='-separated component groups — alphabetic (single-byte),
/// ideographic and phonetic — e.g. "Yamada^Tarou=山田^太郎=やまだ^たろう". Parse one value at a time (the text
/// already decoded from the data set's character set and split on '\').
/// </summary>
public readonly struct DicomPersonName : IEquatable<DicomPersonName>
{
    /// <summary>A name from its component groups.</summary>
    public DicomPersonName(DicomPersonNameGroup alphabetic, DicomPersonNameGroup ideographic = default, DicomPersonNameGroup phonetic = default)
    {
        Alphabetic = alphabetic;
        Ideographic = ideographic;
        Phonetic = phonetic;
    }

    /// <summary>The alphabetic (single-byte) representation.</summary>
    public DicomPersonNameGroup Alphabetic { get; }

    /// <summary>The ideographic representation.</summary>
    public DicomPersonNameGroup Ideographic { get; }

    /// <summary>The phonetic representation.</summary>
    public DicomPersonNameGroup Phonetic { get; }

    /// <summary>Shortcut for the alphabetic family name.</summary>
    public string FamilyName => Alphabetic.FamilyName;

    /// <summary>Shortcut for the alphabetic given name.</summary>
    public string GivenName => Alphabetic.GivenName;

    /// <summary>True when every group is empty.</summary>
    public bool IsEmpty => Alphabetic.IsEmpty && Ideographic.IsEmpty && Phonetic.IsEmpty;

    /// <summary>
    /// A name for display: the alphabetic group given name first ("John Robert Quincy Adams"); when there is none,
    /// the ideographic group, else the phonetic one, family name first ("山田 太郎"). Empty for an empty name.
    /// </summary>
    public string DisplayName =>
        !Alphabetic.IsEmpty ? Alphabetic.ToDisplayString()
        : !Ideographic.IsEmpty ? Ideographic.ToDisplayString(familyNameFirst: true)
        : Phonetic.ToDisplayString(familyNameFirst: true);

    /// <summary>
    /// Parses one PN value; trailing padding is ignored and an empty value gives an empty name. False (no exception)
    /// when there are more than three groups, more than five components in a group, or a backslash.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomPersonName result)
    {
        result = default;
        text = DicomValueText.Trim(text);
        if (text.Contains('\\')) return false;
        Span<Range> ranges = stackalloc Range[4];
        var count = text.Split(ranges, '=');
        if (count > 3) return false;
        DicomPersonNameGroup alphabetic = default, ideographic = default, phonetic = default;
        if (count > 0 && !DicomPersonNameGroup.TryParse(text[ranges[0]], out alphabetic)) return false;
        if (count > 1 && !DicomPersonNameGroup.TryParse(text[ranges[1]], out ideographic)) return false;
        if (count > 2 && !DicomPersonNameGroup.TryParse(text[ranges[2]], out phonetic)) return false;
        result = new DicomPersonName(alphabetic, ideographic, phonetic);
        return true;
    }

    /// <summary>Parses one PN value; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static DicomPersonName Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var result) ? result : throw new FormatException($"'{text}' is not a valid PN value.");

    /// <summary>The value in canonical PN form: trailing empty components and groups removed, e.g. "Wang^XiaoDong=王^小東".</summary>
    public override string ToString()
    {
        string[] groups = [Alphabetic.ToString(), Ideographic.ToString(), Phonetic.ToString()];
        var count = groups.Length;
        while (count > 0 && groups[count - 1].Length == 0) count--;
        return string.Join('=', groups, 0, count);
    }

    /// <inheritdoc />
    public bool Equals(DicomPersonName other) =>
        Alphabetic == other.Alphabetic && Ideographic == other.Ideographic && Phonetic == other.Phonetic;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomPersonName other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Alphabetic, Ideographic, Phonetic);

    /// <summary>Equality.</summary>
    public static bool operator ==(DicomPersonName left, DicomPersonName right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomPersonName left, DicomPersonName right) => !left.Equals(right);
}
