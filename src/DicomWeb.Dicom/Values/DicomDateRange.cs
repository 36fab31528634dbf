namespace DicomWeb.Dicom;

/// <summary>
/// A DA query value for range matching (PS3.4 §C.2.2.2.5): "date1-date2", "-date2" (on or before),
/// "date1-" (on or after), or a single date (that day only). Either end may be open, not both, and the start
/// may not be after the end.
/// </summary>
public readonly struct DicomDateRange : IEquatable<DicomDateRange>
{
    /// <summary>A range between two dates, either of which may be open (null); throws <see cref="ArgumentException"/> when both are open or the start is after the end.</summary>
    public DicomDateRange(DicomDate? start, DicomDate? end)
    {
        if (start is null && end is null) throw new ArgumentException("A range needs at least one end.");
        if (start > end) throw new ArgumentException("The start of a range may not be after its end.");
        Start = start;
        End = end;
        IsRange = true;
    }

    /// <summary>A single-value key, matching that day only.</summary>
    public DicomDateRange(DicomDate value)
    {
        Start = End = value;
        IsRange = false;
    }

    /// <summary>The first day matched, or null when the range is open at the start.</summary>
    public DicomDate? Start { get; }

    /// <summary>The last day matched, or null when the range is open at the end.</summary>
    public DicomDate? End { get; }

    /// <summary>False for a single-value key ("20010105"), true for a range ("20010105-", "-20010105", "a-b").</summary>
    public bool IsRange { get; }

    /// <summary>The first instant matched, or null when open.</summary>
    public DateTime? Earliest => Start?.Earliest;

    /// <summary>The last microsecond matched, or null when open.</summary>
    public DateTime? Latest => End?.Latest;

    /// <summary>Parses a DA matching key; false (no exception) when malformed, empty, "-" alone, or start after end.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomDateRange result)
    {
        result = default;
        text = DicomValueText.Trim(text);
        var dash = text.IndexOf('-');
        if (dash < 0)
        {
            if (!DicomDate.TryParse(text, out var single)) return false;
            result = new DicomDateRange(single);
            return true;
        }
        if (text[(dash + 1)..].Contains('-')) return false;
        if (!TryParseEnd(text[..dash], out var start) || !TryParseEnd(text[(dash + 1)..], out var end)) return false;
        if ((start is null && end is null) || start > end) return false;
        result = new DicomDateRange(start, end);
        return true;
    }

    private static bool TryParseEnd(ReadOnlySpan<char> text, out DicomDate? value)
    {
        value = null;
        text = DicomValueText.Trim(text);
        if (text.IsEmpty) return true;
        if (!DicomDate.TryParse(text, out var parsed)) return false;
        value = parsed;
        return true;
    }

    /// <summary>Parses a DA matching key; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static DicomDateRange Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var result) ? result : throw new FormatException($"'{text}' is not a valid DA range.");

    /// <summary>True when <paramref name="date"/> lies within the range (open ends unbounded).</summary>
    public bool Contains(DateOnly date) => (Start is not { } s || date >= s.Value) && (End is not { } e || date <= e.Value);

    /// <summary>True when the stored value <paramref name="date"/> matches this key.</summary>
    public bool Matches(DicomDate date) => Contains(date.Value);

    /// <summary>The key in DA form: "a-b", "a-", "-b" or a single "a".</summary>
    public override string ToString() => IsRange ? $"{Start}-{End}" : Start?.ToString() ?? string.Empty;

    /// <inheritdoc />
    public bool Equals(DicomDateRange other) => Start == other.Start && End == other.End && IsRange == other.IsRange;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomDateRange other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Start, End, IsRange);

    /// <summary>Equality.</summary>
    public static bool operator ==(DicomDateRange left, DicomDateRange right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomDateRange left, DicomDateRange right) => !left.Equals(right);
}
